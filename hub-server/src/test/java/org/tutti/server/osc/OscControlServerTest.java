package org.tutti.server.osc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.LogCapture;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/** The 2.x hub's latency query, byte for byte as a JackTrip 2.7.2 hub answered it (capture x3). */
class OscControlServerTest {
    /** What the capture's script sent: /get ,s "latency". */
    private static final byte[] GET_LATENCY = HexFormat.of().parseHex("2f67657400000000" + "2c730000" + "6c6174656e637900");

    @Test
    void theRequestAndJackTripsAnswerDecodeAndEncodeAsCaptured() throws Exception {
        OscMessage get = OscMessage.decode(GET_LATENCY, GET_LATENCY.length);
        assertEquals(new OscMessage("/get", List.of("latency")), get);
        assertArrayEquals(GET_LATENCY, get.encode());
        // The 2.7.2 hub's reply in capture x3 (two clients named same_1 and same_2).
        byte[] captured = HexFormat.of().parseHex("2362756e646c6500" + "000000006b053efe" + "00000034"
                + "2f726573706f6e73652f6c6174656e6379000000" + "2c73667366000000"
                + "73616d655f310000" + "45000000" + "73616d655f320000" + "44800000");
        byte[] ours = OscMessage.bundle(0x6b053efeL, List.of(new OscMessage("/response/latency",
                List.of("same_1", 2048f, "same_2", 1024f))));
        assertArrayEquals(captured, ours);
    }

    @Test
    void garbageIsCountedAndLoggedNotAnswered() {
        for (byte[] bad : List.of(new byte[0], "latency".getBytes(), HexFormat.of().parseHex("2f67657400"),
                HexFormat.of().parseHex("2f6765740000000c2c780000"))) {
            try {
                OscMessage.decode(bad, bad.length);
                throw new AssertionError("decoded " + HexFormat.of().formatHex(bad));
            } catch (OscMessage.MalformedException expected) {
                // as it should
            }
        }
    }

    @Test
    void theHubAnswersEveryParticipantsDepthInBytesOfTheirFormat() throws Exception {
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.FULL_MIX);
                b.queuePackets(4);
            });
             FakeClient stereo = hub.join("same_1");
             LogCapture log = new LogCapture("tutti.osc");
             DatagramChannel script = DatagramChannel.open()) {
            FakeClient mono = FakeClient.connect(hub.tcpPort(), org.tutti.testsupport.Ports.freeUdp(), "same_2");
            mono.channelsSent = 1;
            mono.sendSilence(2);
            TestHub.await(java.time.Duration.ofSeconds(2), "same_2 streaming",
                    () -> hub.participant("same_2") != null && hub.participant("same_2").stream() != null);
            script.bind(new InetSocketAddress("127.0.0.1", 0));
            script.socket().setSoTimeout(2000);
            InetSocketAddress osc = new InetSocketAddress("127.0.0.1", hub.tcpPort());
            script.send(ByteBuffer.wrap("not osc at all".getBytes()), osc);
            script.send(ByteBuffer.wrap(GET_LATENCY), osc);
            ByteBuffer reply = ByteBuffer.allocate(1024);
            script.receive(reply);
            reply.flip();
            byte[] bytes = new byte[reply.remaining()];
            reply.get(bytes);
            assertEquals("#bundle", new String(bytes, 0, 7));
            long seconds = ByteBuffer.wrap(bytes, 8, 8).getLong();
            assertTrue(Math.abs(seconds - System.currentTimeMillis() / 1000) <= 2, "plain Unix seconds: " + seconds);
            OscMessage response = OscMessage.decode(java.util.Arrays.copyOfRange(bytes, 20, bytes.length), bytes.length - 20);
            assertEquals("/response/latency", response.address());
            assertEquals(List.of("same_1", 2048f, "same_2", 1024f), response.arguments(),
                    "4 packets of 128 frames: stereo 16-bit 2048 bytes, mono 1024, as JackTrip reports them");
            assertTrue(log.contains("from /127.0.0.1"), String.join("\n", log.lines()));
            mono.close();
        }
    }
}
