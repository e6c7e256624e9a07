package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Would the capture tests notice a wrong field offset, a wrong byte order or the wrong 24-bit layout?
 * Each mutant below is a reader with exactly one such mistake. The annotated-packet assertions, the
 * same ones the capture tests run against the production code, must fail for every mutant.
 */
class CaptureSensitivityTest {

    enum Mutant {
        HEADER_READ_BIG_ENDIAN(WireViews.HEADER_BIG_ENDIAN, WireViews.REAL,
                EnumSet.of(AnnotatedPackets.C1_FRAME_750_CLIENT_TO_HUB, AnnotatedPackets.C1_FRAME_749_HUB_TO_CLIENT,
                        AnnotatedPackets.C2_FRAME_748_MONO_24_BIT, AnnotatedPackets.C3_FRAME_753_TWO_SLOTS_NEWEST_FIRST,
                        AnnotatedPackets.C9_ASYMMETRIC_CHANNEL_BYTES)),
        SEQUENCE_NUMBER_READ_FROM_THE_BUFFER_SIZE_FIELD(WireViews.SEQUENCE_OFFSET_SHIFTED_BY_2, WireViews.REAL,
                EnumSet.of(AnnotatedPackets.C1_FRAME_750_CLIENT_TO_HUB, AnnotatedPackets.C1_FRAME_749_HUB_TO_CLIENT,
                        AnnotatedPackets.C2_FRAME_748_MONO_24_BIT, AnnotatedPackets.C3_FRAME_753_TWO_SLOTS_NEWEST_FIRST)),
        CHANNELS_CARRIED_AND_WANTED_SWAPPED(WireViews.CARRIED_AND_WANTED_SWAPPED, WireViews.REAL,
                EnumSet.of(AnnotatedPackets.C1_FRAME_750_CLIENT_TO_HUB, AnnotatedPackets.C1_FRAME_749_HUB_TO_CLIENT,
                        AnnotatedPackets.C2_FRAME_748_MONO_24_BIT, AnnotatedPackets.C3_FRAME_753_TWO_SLOTS_NEWEST_FIRST,
                        AnnotatedPackets.C9_ASYMMETRIC_CHANNEL_BYTES)),
        TWENTY_FOUR_BIT_DECODED_AS_PACKED_PCM(WireViews.REAL, WireViews.TWENTY_FOUR_BIT_AS_PACKED_PCM,
                EnumSet.of(AnnotatedPackets.C2_FRAME_748_MONO_24_BIT)),
        SIXTEEN_BIT_DECODED_BIG_ENDIAN(WireViews.REAL, WireViews.SIXTEEN_BIT_BIG_ENDIAN,
                EnumSet.of(AnnotatedPackets.C1_FRAME_750_CLIENT_TO_HUB, AnnotatedPackets.C1_FRAME_749_HUB_TO_CLIENT));

        final HeaderView header;
        final SampleView samples;
        final Set<AnnotatedPackets> caughtBy;

        Mutant(HeaderView header, SampleView samples, Set<AnnotatedPackets> caughtBy) {
            this.header = header;
            this.samples = samples;
            this.caughtBy = caughtBy;
        }
    }

    @Test
    void theProductionReaderPassesEveryAnnotatedPacket() {
        for (AnnotatedPackets packet : AnnotatedPackets.values()) {
            packet.check(WireViews.REAL, WireViews.REAL);
        }
    }

    @ParameterizedTest
    @EnumSource(Mutant.class)
    void aReaderWithOneMistakeFailsTheAnnotatedPacketAssertions(Mutant mutant) {
        for (AnnotatedPackets packet : mutant.caughtBy) {
            assertThrows(AssertionError.class, () -> packet.check(mutant.header, mutant.samples),
                    mutant + " was not caught by " + packet);
        }
    }

    @ParameterizedTest
    @EnumSource(Mutant.class)
    void eachMutantStillPassesThePacketsItsMistakeDoesNotTouch(Mutant mutant) {
        // Shows the mutants are otherwise faithful: e.g. the 24-bit mutant still reads every 16-bit packet.
        for (AnnotatedPackets packet : EnumSet.complementOf(EnumSet.copyOf(mutant.caughtBy))) {
            packet.check(mutant.header, mutant.samples);
        }
    }
}
