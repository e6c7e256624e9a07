package org.tutti.server.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds loopback ports no one is using, so parallel or repeated test runs do not collide. */
public final class Ports {
    /**
     * Every UDP port handed out in this JVM. A port is free when checked but only bound later, so
     * without this a test's own client could be given a port inside the range its hub was given
     * (seen: a hub skipping a slot and refusing the 32nd participant of EngineAllocationTest).
     */
    private static final java.util.BitSet CLAIMED = new java.util.BitSet(65536);

    private Ports() {
    }

    /** The first of {@code count} consecutive free UDP ports in 20000..59999. */
    public static synchronized int freeUdpRange(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + ThreadLocalRandom.current().nextInt(40000 - count);
            boolean unclaimed = CLAIMED.nextSetBit(base) < 0 || CLAIMED.nextSetBit(base) >= base + count;
            if (unclaimed && udpRangeFree(base, count)) {
                CLAIMED.set(base, base + count);
                return base;
            }
        }
        throw new IllegalStateException("no free UDP range of " + count);
    }

    public static int freeUdp() {
        return freeUdpRange(1);
    }

    public static int freeTcp() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean udpRangeFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (DatagramSocket socket = new DatagramSocket(null)) {
                socket.bind(new InetSocketAddress(port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
