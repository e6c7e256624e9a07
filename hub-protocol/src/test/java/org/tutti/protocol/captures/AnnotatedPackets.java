package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.SampleRate;

/**
 * The packets the spec annotates byte by byte (§3.10, §3.2), as assertions over a
 * {@link HeaderView} and a {@link SampleView}. The capture tests run them with the real reader;
 * {@link CaptureSensitivityTest} runs them with wrong readers and expects them to fail.
 *
 * <p>Test signal (captures README): channel 1 is the ramp {@code (n mod 1000)/32768}, so a 16-bit
 * sample's value is {@code n mod 1000}; channel 2 is constant −0.5 ({@code 0xC000}); the mono
 * 24-bit signal is {@code ((n mod 1000) + 0.25)/32768}, i.e. int16 {@code n mod 1000} plus
 * fraction byte {@code 0x40}.
 */
enum AnnotatedPackets {
    /** c1 frame 750, client → hub, 528 bytes (spec §3.10). */
    C1_FRAME_750_CLIENT_TO_HUB {
        @Override
        void check(HeaderView header, SampleView samples) {
            ByteBuffer packet = datagram(Captures.C1_2CH16, 750, Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE, 528);
            assertEquals(1_795_504_774_286_974L, header.timestamp(packet, 0), "timestamp µs");
            assertEquals(3088, header.sequenceNumber(packet, 0), "sequence number");
            assertStereo16BitAt48k(header, packet);
            float[][] audio = samples.decode(packet, 0, 128, 2, 16);
            for (int n = 0; n < 128; n++) {
                assertEquals(839 + n, audio[0][n] * 32768f, "ch1 (ramp) frame " + n);
                assertEquals(-0.5f, audio[1][n], "ch2 (constant -0.5) frame " + n);
            }
        }
    },

    /** c1 frame 749, hub → client: the hub (-p 1) echoes the client's own audio. */
    C1_FRAME_749_HUB_TO_CLIENT {
        @Override
        void check(HeaderView header, SampleView samples) {
            ByteBuffer packet = datagram(Captures.C1_2CH16, 749, Captures.HUB_UDP_BASE, Captures.CLIENT_UDP_PORT, 528);
            assertEquals(3081, header.sequenceNumber(packet, 0), "sequence number");
            assertEquals(0x0006_6100_8843_88C1L, header.timestamp(packet, 0), "timestamp µs");
            assertStereo16BitAt48k(header, packet);
            float[][] audio = samples.decode(packet, 0, 128, 2, 16);
            for (int n = 0; n < 128; n++) {
                assertEquals(455 + n, audio[0][n] * 32768f, "ch1 (echoed ramp) frame " + n);
                assertEquals(-0.5f, audio[1][n], "ch2 (echoed -0.5) frame " + n);
            }
        }
    },

    /** c2 frame 748, mono 24-bit, 400 bytes (spec §3.10): samples {@code 47 02 40 | 48 02 40 | …}. */
    C2_FRAME_748_MONO_24_BIT {
        @Override
        void check(HeaderView header, SampleView samples) {
            ByteBuffer packet = datagram(Captures.C2_1CH24, 748, Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE, 400);
            // 03 37 a7 8b 00 61 06 00 | fc 0b | 80 00 | 03 | 18 | 01 | 00
            assertEquals(0x0006_6100_8BA7_3703L, header.timestamp(packet, 0), "timestamp µs");
            assertEquals(0x0BFC, header.sequenceNumber(packet, 0), "sequence number");
            assertEquals(128, header.bufferSize(packet, 0), "frames");
            assertEquals(SampleRate.SR48.code(), header.samplingRateCode(packet, 0), "rate code");
            assertEquals(24, header.bitResolution(packet, 0), "bits");
            assertEquals(1, header.channelsWanted(packet, 0), "channels wanted");
            assertEquals(0, header.channelsCarriedField(packet, 0), "channels carried field");
            assertEquals(1, header.channelsCarried(packet, 0), "channels carried");
            assertEquals(400, PacketLayout.packetSize(header.bufferSize(packet, 0), header.channelsCarried(packet, 0),
                    header.bitResolution(packet, 0) / 8), "declared size");
            float[] audio = samples.decode(packet, 0, 128, 1, 24)[0];
            for (int n = 0; n < 128; n++) {
                int k = 0x247 + n;
                assertEquals((float) ((k + 0.25) / 32768.0), audio[n], "frame " + n + ": int16 " + k + " + 0x40/256");
            }
        }
    },

    /** c3 frame 753: redundancy 2, newest first (spec §3.10). */
    C3_FRAME_753_TWO_SLOTS_NEWEST_FIRST {
        @Override
        void check(HeaderView header, SampleView samples) {
            ByteBuffer datagram = datagram(Captures.C3_R2, 753, Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE, 1056);
            assertEquals(3076, header.sequenceNumber(datagram, 0), "slot 0 sequence number");
            assertEquals(3075, header.sequenceNumber(datagram, 528), "slot 1 sequence number");
            assertStereo16BitAt48k(header, datagram);
            assertStereo16BitAt48k(header, datagram.duplicate().position(528).slice());
        }
    },

    /** c9: {@code --receivechannels 1 --sendchannels 2}: client header {@code 01 02}, hub's {@code 02 01} (spec §3.2). */
    C9_ASYMMETRIC_CHANNEL_BYTES {
        @Override
        void check(HeaderView header, SampleView samples) {
            ByteBuffer client = datagram(Captures.C9_HUBFIRST_ASYM, 11, Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE, 528);
            assertEquals(1, header.channelsWanted(client, 0), "client wants 1");
            assertEquals(2, header.channelsCarriedField(client, 0), "client's byte 15");
            assertEquals(2, header.channelsCarried(client, 0), "client carries 2");
            assertEquals(528, PacketLayout.packetSize(header.bufferSize(client, 0), header.channelsCarried(client, 0), 2));

            ByteBuffer hub = datagram(Captures.C9_HUBFIRST_ASYM, 19, Captures.HUB_UDP_BASE, Captures.CLIENT_UDP_PORT, 272);
            assertEquals(2, header.channelsWanted(hub, 0), "hub wants 2");
            assertEquals(1, header.channelsCarriedField(hub, 0), "hub's byte 15");
            assertEquals(1, header.channelsCarried(hub, 0), "hub carries 1");
            assertEquals(272, PacketLayout.packetSize(header.bufferSize(hub, 0), header.channelsCarried(hub, 0), 2));
        }
    };

    abstract void check(HeaderView header, SampleView samples);

    private static void assertStereo16BitAt48k(HeaderView header, ByteBuffer packet) {
        assertEquals(128, header.bufferSize(packet, 0), "frames");
        assertEquals(3, header.samplingRateCode(packet, 0), "rate code");
        assertEquals(48000, SampleRate.fromCode(header.samplingRateCode(packet, 0)).hertz(), "rate");
        assertEquals(16, header.bitResolution(packet, 0), "bits");
        assertEquals(2, header.channelsWanted(packet, 0), "channels wanted");
        assertEquals(0, header.channelsCarriedField(packet, 0), "channels carried field (0 = same as wanted)");
        assertEquals(2, header.channelsCarried(packet, 0), "channels carried");
        assertEquals(528, PacketLayout.packetSize(header.bufferSize(packet, 0), header.channelsCarried(packet, 0),
                header.bitResolution(packet, 0) / 8), "declared size");
    }

    /** The payload of a capture frame, after checking its direction and length. */
    private static ByteBuffer datagram(String capture, int frame, int sourcePort, int destinationPort, int length) {
        UdpDatagram datagram = Captures.open(capture).udp(frame);
        assertEquals(sourcePort, datagram.sourcePort(), capture + " frame " + frame + " source port");
        assertEquals(destinationPort, datagram.destinationPort(), capture + " frame " + frame + " destination port");
        assertEquals(length, datagram.payload().length, capture + " frame " + frame + " length");
        return datagram.payloadBuffer();
    }
}
