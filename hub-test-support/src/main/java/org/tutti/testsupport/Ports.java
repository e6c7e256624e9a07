package org.tutti.testsupport;

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
    private static final java.util.BitSet CLAIMED_TCP = new java.util.BitSet(65536);
    private static final int LOWEST = 20000;
    /**
     * Below the kernel's ephemeral range: a port handed out here is bound later, and in between any
     * socket bound to port 0 or connecting out could be given an ephemeral port that is the same (seen:
     * a hub's control API port taken that way, "Address already in use").
     */
    private static final int END = ephemeralStart();

    private Ports() {
    }

    /** The first of {@code count} consecutive free UDP ports from 20000 up to the ephemeral range. */
    public static synchronized int freeUdpRange(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = LOWEST + ThreadLocalRandom.current().nextInt(END - LOWEST - count);
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

    /** A free TCP port from 20000 up to the ephemeral range, never handed out twice in this JVM. */
    public static synchronized int freeTcp() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = LOWEST + ThreadLocalRandom.current().nextInt(END - LOWEST);
            if (CLAIMED_TCP.get(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
            } catch (IOException e) {
                continue;
            }
            CLAIMED_TCP.set(port);
            return port;
        }
        throw new IllegalStateException("no free TCP port");
    }

    private static int ephemeralStart() {
        try {
            String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            int start = Integer.parseInt(range.trim().split("\\s+")[0]);
            return start > LOWEST + 2000 ? start : 60000;
        } catch (IOException | RuntimeException e) {
            return 32768;
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
