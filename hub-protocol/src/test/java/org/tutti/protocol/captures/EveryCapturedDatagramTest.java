package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tutti.protocol.testing.Capture;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;
import org.tutti.protocol.udp.Redundancy;

/**
 * Every UDP datagram on the audio ports (14500–14999) of every stored capture, through the
 * production validator and codec. Real JackTrip traffic must be OK or EXIT for a 48 kHz hub, apart
 * from the 44.1 kHz client of c10; the probes of p1/p2 get the verdict their scenario calls for.
 */
class EveryCapturedDatagramTest {
    private static final DatagramValidator HUB_48K = DatagramValidator.forHubRate(48000);

    /** What the probes of p1 and p2 sent, by their UDP port (see each folder's probe.log.txt). */
    private static final Map<Integer, DatagramCheck> PROBES = Map.ofEntries(
            Map.entry(14700, DatagramCheck.OK),                   // p1 legacy4
            Map.entry(14701, DatagramCheck.OK),                   // p1 split
            Map.entry(14703, DatagramCheck.OK),                   // p1 nat
            Map.entry(14704, DatagramCheck.OK),                   // p1 sendonly: byte 15 = 255, wants 2
            Map.entry(14705, DatagramCheck.OK),                   // p1 asym: 3 channels
            Map.entry(14706, DatagramCheck.SAMPLE_RATE_MISMATCH), // p2 srmismatch: rate code 2
            Map.entry(14707, DatagramCheck.OK),                   // p2 bitsmismatch: 24 bit, accepted by default
            Map.entry(14708, DatagramCheck.OK),                   // p2 bufmismatch: 64 frames
            Map.entry(14709, DatagramCheck.OK),                   // p2 silent
            Map.entry(14711, DatagramCheck.OK),                   // p2 reconnect
            Map.entry(14712, DatagramCheck.OK));                  // p2 seqwrap

    static List<String> captures() {
        return Captures.ALL;
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyDatagramGetsTheVerdictItsSenderCallsFor(String name) {
        Capture capture = Captures.open(name);
        Map<DatagramCheck, Integer> seen = new EnumMap<>(DatagramCheck.class);
        for (UdpDatagram datagram : audioPorts(capture)) {
            DatagramCheck check = checkWithoutThrowing(datagram);
            seen.merge(check, 1, Integer::sum);
            if (check == DatagramCheck.EXIT) {
                continue;
            }
            assertEquals(expected(name, datagram), check, name + " " + datagram);
        }
        if (!capture.udpDatagrams().isEmpty()) {
            assertTrue(seen.getOrDefault(DatagramCheck.EXIT, 0) >= 2, name + " has exit packets: " + seen);
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void every63ByteDatagramIsAnExitPacket(String name) {
        for (UdpDatagram datagram : audioPorts(Captures.open(name))) {
            if (ExitPacket.isControlLength(datagram.payload().length)) {
                assertArrayEquals(ExitPacket.bytes(), datagram.payload(), datagram.toString());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyValidDatagramDecodesToFiniteSamplesInRange(String name) {
        PacketHeader header = new PacketHeader();
        for (UdpDatagram datagram : audioPorts(Captures.open(name))) {
            ByteBuffer payload = datagram.payloadBuffer();
            if (HUB_48K.check(payload, 0, payload.remaining(), header) != DatagramCheck.OK) {
                continue;
            }
            int packetSize = PacketLayout.declaredPacketSize(header);
            for (int slot = 0; slot < Redundancy.slotCount(payload.remaining(), packetSize); slot++) {
                header.wrap(payload, Redundancy.slotOffset(slot, packetSize));
                if (Redundancy.isEmptySlot(header)) {
                    continue;
                }
                float[][] samples = decode(payload, header);
                for (float[] channel : samples) {
                    for (float sample : channel) {
                        assertTrue(Float.isFinite(sample) && sample >= -1f && sample < 1f, datagram + ": " + sample);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void reEncodingADecodedPacketReproducesJackTripsBytesExactly(String name) {
        // Holds because every sample in the test signals has |int16| <= 16384, where the 32767/32768
        // scaling of a 16-bit hop rounds back to the same value, and 24 bit is lossless.
        PacketHeader header = new PacketHeader();
        int reproduced = 0;
        for (UdpDatagram datagram : audioPorts(Captures.open(name))) {
            ByteBuffer payload = datagram.payloadBuffer();
            if (HUB_48K.check(payload, 0, payload.remaining(), header) != DatagramCheck.OK) {
                continue;
            }
            int packetSize = PacketLayout.declaredPacketSize(header);
            for (int slot = 0; slot < Redundancy.slotCount(payload.remaining(), packetSize); slot++) {
                int start = Redundancy.slotOffset(slot, packetSize);
                header.wrap(payload, start);
                if (Redundancy.isEmptySlot(header)) {
                    continue;
                }
                byte[] expected = Arrays.copyOfRange(datagram.payload(), start, start + packetSize);
                assertArrayEquals(expected, reEncode(header, decode(payload, header)), datagram + " slot " + slot);
                reproduced++;
            }
        }
        assertTrue(reproduced > 0 || Captures.open(name).udpDatagrams().isEmpty());
    }

    private static List<UdpDatagram> audioPorts(Capture capture) {
        return capture.udpDatagrams(d -> isAudioPort(d.sourcePort()) && isAudioPort(d.destinationPort()));
    }

    private static boolean isAudioPort(int port) {
        return port >= 14500 && port <= 14999;
    }

    private static boolean fromHub(UdpDatagram datagram) {
        return datagram.sourcePort() == Captures.HUB_UDP_BASE || datagram.sourcePort() == Captures.HUB_UDP_BASE + 1;
    }

    private static DatagramCheck expected(String capture, UdpDatagram datagram) {
        if (fromHub(datagram)) {
            return DatagramCheck.OK;
        }
        if (capture.equals(Captures.C10_SRATE_MISMATCH)) {
            return DatagramCheck.SAMPLE_RATE_MISMATCH;
        }
        if (Captures.REAL_CLIENTS.contains(capture)) {
            return DatagramCheck.OK;
        }
        DatagramCheck probe = PROBES.get(datagram.sourcePort());
        if (probe == null) {
            fail("no expectation for probe port " + datagram.sourcePort() + " in " + capture);
        }
        return probe;
    }

    private static DatagramCheck checkWithoutThrowing(UdpDatagram datagram) {
        try {
            return HUB_48K.check(datagram.payloadBuffer(), 0, datagram.payload().length, new PacketHeader());
        } catch (RuntimeException e) {
            throw new AssertionError("validator threw on " + datagram, e);
        }
    }

    private static float[][] decode(ByteBuffer payload, PacketHeader header) {
        int frames = header.bufferSize();
        int channels = header.channelsCarried();
        float[][] samples = new float[channels][frames];
        BitResolution resolution = BitResolution.fromBits(header.bitResolution());
        int decoded = PayloadCodec.decode(payload, header.offset(), frames, channels, resolution, samples, channels, 0);
        assertEquals(channels, decoded);
        // The hub's jitter buffer decodes into one flat array: the same samples, channel after channel.
        float[] flat = new float[(channels + 1) * frames];
        java.util.Arrays.fill(flat, 7f);
        assertEquals(channels, PayloadCodec.decodePlanar(payload, header.offset(), frames, channels, resolution, flat,
                channels + 1, 0));
        for (int c = 0; c < channels; c++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(samples[c],
                    java.util.Arrays.copyOfRange(flat, c * frames, (c + 1) * frames));
        }
        for (int i = channels * frames; i < flat.length; i++) {
            assertEquals(0f, flat[i], "a channel the packet does not carry is silence");
        }
        return samples;
    }

    /** Builds the packet anew from the decoded header fields and samples, with the production writers. */
    private static byte[] reEncode(PacketHeader original, float[][] samples) {
        BitResolution resolution = BitResolution.fromBits(original.bitResolution());
        ByteBuffer out = ByteBuffer.allocate(PacketLayout.declaredPacketSize(original));
        PacketHeader header = new PacketHeader().wrap(out, 0)
                .timestamp(original.timestamp())
                .sequenceNumber(original.sequenceNumber())
                .bufferSize(original.bufferSize())
                .samplingRateCode(original.samplingRateCode())
                .bitResolution(original.bitResolution())
                .channelsWanted(original.channelsWanted())
                .channelsCarried(original.channelsCarried());
        PayloadCodec.encode(samples, 0, header.channelsCarried(), header.bufferSize(), resolution, out, 0);
        return out.array();
    }
}
