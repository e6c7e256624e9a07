package org.tutti.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatagramValidatorTest {
    private static final DatagramValidator HUB_48K = DatagramValidator.forHubRate(48000);
    private final PacketHeader header = new PacketHeader();

    @ParameterizedTest
    @EnumSource(BitResolution.class)
    void aWellFormedPacketInAnyResolutionIsOk(BitResolution resolution) {
        ByteBuffer packet = packet(128, 2, 0, resolution.bits(), 3);
        assertEquals(DatagramCheck.OK, check(packet));
    }

    @Test
    void theExitPacketIsExitAndOther63ByteDatagramsAreControl() {
        ByteBuffer exit = ByteBuffer.wrap(ExitPacket.bytes());
        assertEquals(DatagramCheck.EXIT, check(exit));

        byte[] almost = ExitPacket.bytes();
        almost[62] = 0;
        assertEquals(DatagramCheck.CONTROL, check(ByteBuffer.wrap(almost)));
    }

    @Test
    void aSixtyThreeByteAudioPacketIsTakenForAControlPacketAsInJackTrip() {
        // 8 bit, N·C = 47: 16 + 47 = 63 bytes. JackTrip cannot tell it from a control packet either.
        ByteBuffer packet = packet(47, 1, 0, 8, 3);
        assertEquals(63, packet.remaining());
        assertEquals(DatagramCheck.CONTROL, check(packet));
    }

    @Test
    void anythingShorterThanTheHeaderIsTooShort() {
        for (int length = -5; length < 16; length++) {
            assertEquals(DatagramCheck.TOO_SHORT, HUB_48K.check(ByteBuffer.allocate(16), 0, length, header), "length " + length);
        }
    }

    @Test
    void rateCodesOutside0To7AreInvalid() {
        assertEquals(DatagramCheck.INVALID_SAMPLE_RATE, check(packet(128, 2, 0, 16, 8)));
        assertEquals(DatagramCheck.INVALID_SAMPLE_RATE, check(packet(128, 2, 0, 16, 255)));
    }

    @Test
    void anotherRateIsAFatalMismatchUnlessTheHubAcceptsAnyRate() {
        ByteBuffer at44k = packet(128, 2, 0, 16, 2);
        assertEquals(DatagramCheck.SAMPLE_RATE_MISMATCH, check(at44k));
        assertTrue(DatagramCheck.SAMPLE_RATE_MISMATCH.fatal());

        DatagramValidator anyRate = new DatagramValidator(48000, true, DatagramValidator.ALL_RESOLUTIONS, 64, 4096);
        assertEquals(DatagramCheck.OK, anyRate.check(at44k, 0, at44k.remaining(), header));
        assertEquals(DatagramCheck.OK, anyRate.check(packet(128, 2, 0, 16, 7), 0, 528, header), "even undefined");
    }

    @Test
    void aHubAt192kAcceptsTheUndefinedCodeJackTripSends() {
        DatagramValidator hub192k = DatagramValidator.forHubRate(192000);
        assertEquals(DatagramCheck.OK, hub192k.check(packet(128, 2, 0, 16, 7), 0, 528, header));
        assertEquals(DatagramCheck.OK, hub192k.check(packet(128, 2, 0, 16, 6), 0, 528, header));
        assertEquals(DatagramCheck.SAMPLE_RATE_MISMATCH, check(packet(128, 2, 0, 16, 7)), "not at 48k");
    }

    @Test
    void bitResolutionMustBe8_16_24Or32AndOneTheHubAccepts() {
        assertEquals(DatagramCheck.INVALID_BIT_RESOLUTION, check(packet(128, 2, 0, 12, 3)));
        assertEquals(DatagramCheck.INVALID_BIT_RESOLUTION, check(packet(128, 2, 0, 0, 3)));

        DatagramValidator only16 = new DatagramValidator(48000, false, DatagramValidator.maskOf(BitResolution.BIT16), 64, 4096);
        ByteBuffer bits24 = packet(128, 2, 0, 24, 3);
        assertEquals(DatagramCheck.BIT_RESOLUTION_MISMATCH, only16.check(bits24, 0, bits24.remaining(), header));
        assertTrue(DatagramCheck.BIT_RESOLUTION_MISMATCH.fatal());
        assertEquals(DatagramCheck.OK, only16.check(packet(128, 2, 0, 16, 3), 0, 528, header));
    }

    @Test
    void anyFrameCountFromOneToTheLimitIsAccepted() {
        assertEquals(DatagramCheck.NO_FRAMES, check(packet(0, 2, 0, 16, 3)));
        assertEquals(DatagramCheck.OK, check(packet(1, 2, 0, 16, 3)));
        assertEquals(DatagramCheck.OK, check(packet(64, 2, 0, 16, 3)));
        assertEquals(DatagramCheck.OK, check(packet(4096, 1, 0, 8, 3)));
        assertEquals(DatagramCheck.TOO_MANY_FRAMES, check(packet(4097, 1, 0, 8, 3)));
    }

    @Test
    void channelCountsFollowTheByte15RuleAndTheLimit() {
        assertEquals(DatagramCheck.OK, check(packet(128, 2, 255, 16, 3)),
                "255 = sends none but wants 2: a receive-only client, as JackTrip's hub accepts (p1 sendonly)");
        assertEquals(DatagramCheck.NO_CHANNELS, check(packet(128, 0, 255, 16, 3)), "wants none and sends none");
        assertEquals(DatagramCheck.NO_CHANNELS, check(packet(128, 0, 0, 16, 3)), "0 wanted and 0 = same");
        assertEquals(DatagramCheck.OK, check(packet(128, 1, 2, 16, 3)), "asymmetric (c9 client)");
        assertEquals(DatagramCheck.OK, check(packet(128, 0, 2, 16, 3)), "wants nothing, sends 2 (p1 hub reply)");
        assertEquals(DatagramCheck.OK, check(packet(16, 64, 0, 16, 3)));
        assertEquals(DatagramCheck.TOO_MANY_CHANNELS, check(packet(16, 65, 0, 16, 3)));
        assertEquals(DatagramCheck.TOO_MANY_CHANNELS, check(packet(16, 65, 1, 16, 3)), "wanted above the limit");
        assertEquals(DatagramCheck.TOO_MANY_CHANNELS, check(packet(16, 1, 65, 16, 3)), "carried above the limit");
    }

    @Test
    void theLengthMustBeAWholeNumberOfDeclaredPackets() {
        ByteBuffer big = ByteBuffer.allocate(3 * 528 + 1);
        big.put(0, packet(128, 2, 0, 16, 3).array());
        for (int length = 16; length <= big.capacity(); length++) {
            DatagramCheck expected = length == 63 ? DatagramCheck.CONTROL
                    : length % 528 == 0 ? DatagramCheck.OK : DatagramCheck.SIZE_MISMATCH;
            assertEquals(expected, HUB_48K.check(big, 0, length, header), "length " + length);
        }
    }

    @Test
    void aDatagramIsCheckedAtItsOffsetAndTheHeaderLeftOnSlotZero() {
        ByteBuffer buffer = ByteBuffer.allocate(9 + 528);
        buffer.put(9, packet(128, 2, 0, 16, 3).array());

        assertEquals(DatagramCheck.OK, HUB_48K.check(buffer, 9, 528, header));
        assertSame(buffer, header.buffer());
        assertEquals(9, header.offset());
    }

    @Test
    void verdictsAreSortedIntoFatalAndMalformed() {
        Set<DatagramCheck> fatal = EnumSet.of(DatagramCheck.SAMPLE_RATE_MISMATCH, DatagramCheck.BIT_RESOLUTION_MISMATCH);
        for (DatagramCheck check : DatagramCheck.values()) {
            assertEquals(fatal.contains(check), check.fatal(), check.name());
            boolean usable = check == DatagramCheck.OK || check == DatagramCheck.EXIT;
            assertEquals(!usable && !check.fatal(), check.malformed(), check.name());
            assertFalse(check.description().isBlank());
        }
    }

    private DatagramCheck check(ByteBuffer datagram) {
        return HUB_48K.check(datagram, 0, datagram.remaining(), header);
    }

    /** A packet of exactly the declared size (16 bytes if it carries no channels). */
    static ByteBuffer packet(int frames, int wanted, int carriedField, int bits, int rateCode) {
        int carried = PacketHeader.channelsCarried(wanted, carriedField);
        int bytes = Math.max(1, bits / 8);
        ByteBuffer packet = ByteBuffer.allocate(PacketLayout.packetSize(frames, carried, bytes));
        new PacketHeader().wrap(packet, 0).timestamp(1).sequenceNumber(7).bufferSize(frames).samplingRateCode(rateCode)
                .bitResolution(bits).channelsWanted(wanted).channelsCarriedField(carriedField);
        return packet;
    }
}
