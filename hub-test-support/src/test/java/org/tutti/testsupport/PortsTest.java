package org.tutti.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void handsOutPortsOutsideTheEphemeralRangeWhereThereIsRoom() {
        assertArrayEquals(new int[] {20000, 32767}, Ports.window(new int[] {32768, 60999}), "Linux's default");
        assertArrayEquals(new int[] {40001, 65535}, Ports.window(new int[] {10000, 40000}), "room above only");
        assertArrayEquals(new int[] {20000, 60999}, Ports.window(new int[] {61000, 65535}), "room below only");
        assertArrayEquals(new int[] {20000, 65535}, Ports.window(new int[] {1024, 65535}), "no room: all of it");
        int[] window = Ports.window(Ports.ephemeralRange());
        for (int i = 0; i < 50; i++) {
            int port = Ports.freeUdp();
            assertTrue(port >= window[0] && port <= window[1], port + " in " + window[0] + "–" + window[1]);
        }
    }

    /**
     * Ranges handed out pack one after another, so after hundreds of small ones (a suite's hubs) a large
     * one still fits; scattered at random they left no gap of 110 ports.
     */
    @Test
    void aLargeUdpRangeStillFitsAfterHundredsOfSmallOnes() {
        int[] window = Ports.window(Ports.ephemeralRange());
        for (int i = 0; i < 250; i++) {
            Ports.freeUdpRange(32);
        }
        int base = Ports.freeUdpRange(110);
        assertTrue(base >= window[0] && base + 109 <= window[1], base + " in " + window[0] + "–" + window[1]);
        Ports.releaseUdp(window[0], window[1] - window[0] + 1);
    }

    /**
     * The reservation holds against a bind without SO_REUSEADDR (which is what an ephemeral port's
     * allocation checks against) and gives way to a server that sets it, as the hub's listeners do.
     */
    @Test
    void aTcpPortIsReservedForServersThatReuseAddresses() throws IOException {
        int port = Ports.freeTcp();
        try (ServerSocket plain = new ServerSocket()) {
            plain.setReuseAddress(false);
            assertThrows(BindException.class, () -> plain.bind(new InetSocketAddress(port)),
                    "the port is held in TIME_WAIT");
        }
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket accepted = server.accept()) {
                client.getOutputStream().write(7);
                assertTrue(accepted.getInputStream().read() == 7, "a server with SO_REUSEADDR serves on it");
            }
        }
    }
}
