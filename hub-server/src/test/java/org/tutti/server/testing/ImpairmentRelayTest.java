package org.tutti.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tutti.server.testing.ImpairmentRelay.Impairment;

/** The relay delays as netem's {@code delay 10ms 10ms} does: 0–20 ms, not a millisecond more. */
class ImpairmentRelayTest {
    /** Past the 16-byte header, whose timestamp the relay counts delays from ({@link SenderClock}). */
    static final int INDEX = 16;

    @Test
    void jitterIsUniformFromNoDelayUp() throws Exception {
        try (ServerSocket hubTcp = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             DatagramChannel hubUdp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             DatagramChannel client = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             ImpairmentRelay relay = new ImpairmentRelay(hubTcp.getLocalPort(), Impairment.jitter(10), 1)) {
            int front;
            try (Socket handshake = new Socket("127.0.0.1", relay.tcpPort())) {
                handshake.getOutputStream().write(new byte[68]);
                try (Socket atHub = hubTcp.accept()) {
                    atHub.getInputStream().readNBytes(68);
                    int hubPort = ((InetSocketAddress) hubUdp.getLocalAddress()).getPort();
                    atHub.getOutputStream().write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                            .putInt(hubPort).array());
                    byte[] reply = new DataInputStream(handshake.getInputStream()).readNBytes(4);
                    front = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt();
                }
            }
            int packets = 400;
            long[] sent = new long[packets];
            long[] arrived = new long[packets];
            Thread receiver = new Thread(() -> {
                ByteBuffer in = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
                try {
                    for (int n = 0; n < packets; n++) {
                        in.clear();
                        hubUdp.receive(in);
                        arrived[in.getInt(INDEX)] = System.nanoTime();
                    }
                } catch (java.io.IOException e) {
                    // closed: the assertions below say what came
                }
            });
            receiver.start();
            ByteBuffer datagram = ByteBuffer.allocate(200);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", front);
            for (int i = 0; i < packets; i++) {
                sent[i] = System.nanoTime();
                datagram.clear().order(ByteOrder.LITTLE_ENDIAN).putLong(0, sent[i] / 1000).putInt(INDEX, i);
                client.send(datagram, to);
                Thread.sleep(2);
            }
            receiver.join(5000);
            double[] delays = new double[packets];
            int got = 0;
            for (int i = 0; i < packets; i++) {
                if (arrived[i] != 0) {
                    delays[got++] = (arrived[i] - sent[i]) / 1e6;
                }
            }
            assertEquals(packets, got, "all relayed");
            Arrays.sort(delays);
            long withinAMillisecond = Arrays.stream(delays).filter(d -> d < 1).count();
            // netem: 5 % of them within a millisecond; a relay whose timer wakes a millisecond late, none
            assertTrue(withinAMillisecond >= packets / 50, withinAMillisecond + " of " + packets
                    + " within a millisecond; delays " + delays[0] + " … " + delays[packets - 1] + " ms");
            assertTrue(delays[packets / 2] > 7 && delays[packets / 2] < 13, "median " + delays[packets / 2] + " ms");
        }
    }
}
