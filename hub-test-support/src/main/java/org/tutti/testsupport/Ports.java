package org.tutti.testsupport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/** Finds loopback ports no one is using, so parallel or repeated test runs do not collide. */
public final class Ports {
    /**
     * Every UDP port handed out in this JVM. A port is free when checked but only bound later, so
     * without this a test's own client could be given a port inside the range its hub was given
     * (seen: a hub skipping a slot and refusing the 32nd participant of EngineAllocationTest).
     */
    private static final BitSet CLAIMED = new BitSet(65536);
    private static final BitSet CLAIMED_TCP = new BitSet(65536);
    private static final int LOWEST = 20000;
    private static final int HIGHEST = 65535;
    /** Fewer ports than this outside the kernel's ephemeral range: use them all and rely on the TCP reservation. */
    private static final int SMALLEST_WINDOW = 2000;
    /**
     * Where ports are handed out: outside the kernel's ephemeral range where there is room. A port handed
     * out here is bound later, and in between any socket bound to port 0 or connecting out could be given
     * an ephemeral port that is the same (seen: a hub's control API port taken that way, "Address already
     * in use").
     */
    private static final int[] WINDOW = window(ephemeralRange());
    /** Where the next UDP range search starts. */
    private static int udpCursor = WINDOW[0] + ThreadLocalRandom.current().nextInt(WINDOW[1] - WINDOW[0] + 1);

    private Ports() {
    }

    /**
     * The first of {@code count} consecutive free UDP ports outside the ephemeral range where there is room.
     * Ranges are handed out one after another from a random start (next fit, wrapping), not at random
     * places: scattered 32-port ranges left no gap of 110 in the window after a few hundred tests (seen:
     * "no free UDP range of 110" in JackModeTest), while a random start keeps two JVMs apart.
     */
    public static synchronized int freeUdpRange(int count) {
        int found = nextFreeRange(count);
        if (found < 0) {
            // Every port claimed once already: forget the claims of tests long done, check binds only.
            CLAIMED.clear();
            found = nextFreeRange(count);
        }
        if (found < 0) {
            throw new IllegalStateException("no free UDP range of " + count + " in " + WINDOW[0] + "–" + WINDOW[1]);
        }
        CLAIMED.set(found, found + count);
        udpCursor = found + count;
        return found;
    }

    /** Gives ports back once what bound them has closed them (a hub's range when it stops). */
    public static synchronized void releaseUdp(int base, int count) {
        CLAIMED.clear(Math.max(0, base), Math.min(65536, base + count));
    }

    private static int nextFreeRange(int count) {
        int span = WINDOW[1] - WINDOW[0] + 1;
        int base = udpCursor;
        for (int scanned = 0; scanned < span; ) {
            if (base + count - 1 > WINDOW[1]) {
                scanned += WINDOW[1] + 1 - base;
                base = WINDOW[0];
                continue;
            }
            int claimed = CLAIMED.nextSetBit(base);
            if (claimed >= 0 && claimed < base + count) {
                scanned += claimed + 1 - base;
                base = claimed + 1;
                continue;
            }
            int taken = firstTaken(base, count);
            if (taken < 0) {
                return base;
            }
            scanned += taken + 1 - base;
            base = taken + 1;
        }
        return -1;
    }

    public static int freeUdp() {
        return freeUdpRange(1);
    }

    /**
     * A free TCP port, never handed out twice in this JVM, and reserved for a minute against the kernel
     * handing it to anyone as an ephemeral port: a connection to it is made and its accepting end closed
     * first, which leaves the port in TIME_WAIT. A server that sets SO_REUSEADDR (the hub's listeners,
     * Prometheus, JackTrip's server) binds it anyway; a connect() or bind(0) is not given it. This matters
     * where the ephemeral range leaves no room outside it (seen on CI: a containerised hub's control API
     * port, picked in the ephemeral range, was in use seconds later).
     */
    public static synchronized int freeTcp() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = WINDOW[0] + ThreadLocalRandom.current().nextInt(WINDOW[1] - WINDOW[0] + 1);
            if (CLAIMED_TCP.get(port)) {
                continue;
            }
            if (reserveTcp(port)) {
                CLAIMED_TCP.set(port);
                return port;
            }
        }
        throw new IllegalStateException("no free TCP port");
    }

    private static boolean reserveTcp(int port) {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                 Socket accepted = server.accept()) {
                accepted.close(); // first, so the TIME_WAIT is on this port's side
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The kernel's ephemeral port range, first and last; if unreadable, Linux's default. */
    static int[] ephemeralRange() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32768, 60999};
        }
    }

    /**
     * The larger of the windows below and above {@code ephemeral} within [20000, 65535], first and last
     * port; the whole of that when neither has {@link #SMALLEST_WINDOW} ports.
     */
    static int[] window(int[] ephemeral) {
        int belowLast = Math.min(ephemeral[0] - 1, HIGHEST);
        int aboveFirst = Math.max(ephemeral[1] + 1, LOWEST);
        int below = belowLast - LOWEST + 1;
        int above = HIGHEST - aboveFirst + 1;
        if (Math.max(below, above) < SMALLEST_WINDOW) {
            return new int[] {LOWEST, HIGHEST};
        }
        return below >= above ? new int[] {LOWEST, belowLast} : new int[] {aboveFirst, HIGHEST};
    }

    /** The first port of [base, base + count) something has bound, or −1 if none. */
    private static int firstTaken(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (DatagramSocket socket = new DatagramSocket(null)) {
                socket.bind(new InetSocketAddress(port));
            } catch (IOException e) {
                return port;
            }
        }
        return -1;
    }
}
