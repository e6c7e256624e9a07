package org.tutti.reflector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tutti.protocol.handshake.AuthCode;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.LittleEndian;
import org.tutti.testsupport.Ports;
import org.tutti.transport.Transport;

class ReflectorTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Reflector reflector;
    private int udpBase;

    private Reflector start(Transport transport, int maxClients, Duration timeout) throws IOException {
        udpBase = Ports.freeUdpRange(maxClients);
        reflector = Reflector.start(new ReflectorConfig(LOOPBACK, 0, udpBase, maxClients, transport, timeout,
                Duration.ofMillis(100), 65535, Duration.ZERO, false));
        return reflector;
    }

    private Reflector start() throws IOException {
        return start(Transport.NIO, 8, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        if (reflector != null) {
            reflector.close();
        }
    }

    /** Sends {@code request}, returns the 4-byte reply as int32 LE, or -1 if the hub closed without one. */
    private int handshake(byte[] request) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, reflector.tcpPort())) {
            socket.setSoTimeout(3000);
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(4);
            if (reply.length < 4) {
                return -1;
            }
            assertEquals(-1, in.read(), "the hub closes the connection after the reply");
            return LittleEndian.getInt(ByteBuffer.wrap(reply), 0);
        }
    }

    private static byte[] request(int port, String name, boolean legacy) {
        ByteBuffer buffer = ByteBuffer.allocate(HandshakeRequest.LENGTH);
        int length = new HandshakeRequest(port, name, legacy).encode(buffer, 0);
        return Arrays.copyOf(buffer.array(), length);
    }

    @Test
    void plainRequestsGetTheLowestFreeSlotsInOrder() throws IOException {
        start();
        assertEquals(udpBase, handshake(request(14600, "alice", false)));
        assertEquals(udpBase + 1, handshake(request(14601, "bob", false)));
        assertEquals(2, reflector.stats().handshakes());
        assertEquals(2, reflector.activeClients());
    }

    @Test
    void legacyFourByteRequestGetsAPortAfterTheNameWait() throws IOException {
        start();
        long begin = System.nanoTime();
        assertEquals(udpBase, handshake(request(14600, "", true)));
        assertTrue(System.nanoTime() - begin < 2_000_000_000L, "answered after the short name wait");
        assertEquals(1, reflector.stats().legacyHandshakes());
    }

    @Test
    void authMarkerIsAnsweredWithNotRequiredAndGetsNoSlot() throws IOException {
        start();
        ByteBuffer marker = ByteBuffer.allocate(4);
        HandshakeRequest.encodeAuthMarker(marker, 0);
        assertEquals(AuthCode.NOTREQUIRED.wireValue(), handshake(marker.array()));
        assertEquals(1, reflector.stats().authMarkers());
        assertEquals(0, reflector.activeClients());
    }

    @Test
    void whatCannotBeAJackTripRequestIsRefusedAtOnceAsTheHubRefusesIt() throws IOException {
        start();
        long begin = System.nanoTime();
        assertEquals(-1, handshake("GET / HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        byte[] junkAfterName = request(14600, "alice", false);
        junkAfterName[HandshakeRequest.PORT_LENGTH + 20] = 'z';
        assertEquals(-1, handshake(junkAfterName));
        assertTrue(System.nanoTime() - begin < 1_000_000_000L, "refused without waiting for more");
        assertEquals(2, reflector.stats().malformed());
        assertEquals(0, reflector.activeClients());
    }

    @Test
    void fullHubClosesWithoutReply() throws IOException {
        start(Transport.NIO, 1, Duration.ofSeconds(10));
        assertEquals(udpBase, handshake(request(14600, "first", false)));
        assertEquals(-1, handshake(request(14601, "second", false)));
        assertEquals(1, reflector.stats().refused());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void everyDatagramGoesStraightBackToItsSource(Transport transport) throws Exception {
        transport.ensureAvailable(); // Netty ships it for Linux x86_64, where Tutti and CI run: failing to load fails
        start(transport, 4, Duration.ofSeconds(10));
        int port = handshake(request(14600, "echo", false));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            client.setSoTimeout(2000);
            for (int size : new int[] {16, 528, 1056, 9000}) {
                byte[] sent = new byte[size];
                Arrays.fill(sent, (byte) size);
                sent[0] = 42;
                client.send(new DatagramPacket(sent, size, LOOPBACK, port));
                DatagramPacket back = new DatagramPacket(new byte[65536], 65536);
                client.receive(back);
                assertEquals(port, back.getPort(), "sent from the client's hub port");
                assertArrayEquals(sent, Arrays.copyOf(back.getData(), back.getLength()));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void exitPacketIsAnsweredAndFreesTheSlotForTheNextClient(Transport transport) throws Exception {
        transport.ensureAvailable(); // Netty ships it for Linux x86_64, where Tutti and CI run: failing to load fails
        start(transport, 4, Duration.ofSeconds(10));
        int port = handshake(request(14600, "leaving", false));
        assertEquals(udpBase, port);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            client.setSoTimeout(2000);
            client.send(new DatagramPacket(ExitPacket.bytes(), ExitPacket.LENGTH, LOOPBACK, port));
            for (int i = 0; i < ExitPacket.REPEAT; i++) {
                DatagramPacket back = new DatagramPacket(new byte[128], 128);
                client.receive(back);
                assertTrue(ExitPacket.isExit(ByteBuffer.wrap(back.getData()), 0, back.getLength()), "exit x2");
            }
        }
        awaitActiveClients(0);
        assertEquals(1, reflector.stats().endedByExit());
        assertEquals(udpBase, handshake(request(14601, "next", false)), "slot 0 is reused");
    }

    @Test
    void silentClientLosesItsSlotAfterTheTimeout() throws Exception {
        start(Transport.NIO, 4, Duration.ofMillis(300));
        assertEquals(udpBase, handshake(request(14600, "silent", false)));
        awaitActiveClients(0);
        assertEquals(1, reflector.stats().endedByTimeout());
    }

    private void awaitActiveClients(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (reflector.activeClients() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, reflector.activeClients());
    }
}
