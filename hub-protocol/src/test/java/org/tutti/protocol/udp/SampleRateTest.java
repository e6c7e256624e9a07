package org.tutti.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SampleRateTest {

    @Test
    void codesAreJackTripsEnum() {
        int[] hertz = {22050, 32000, 44100, 48000, 88200, 96000, 192000, 0};
        for (int code = 0; code < 8; code++) {
            SampleRate rate = SampleRate.fromCode(code);
            assertEquals(code, rate.code());
            assertEquals(hertz[code], rate.hertz());
        }
        assertSame(SampleRate.UNDEFINED, SampleRate.fromCode(7));
        assertNull(SampleRate.fromCode(8));
        assertNull(SampleRate.fromCode(-1));
        assertNull(SampleRate.fromCode(255));
    }

    @Test
    void aRateMapsToTheEnumWhenItIsWithinLessThan100Hz() {
        // JackTrip: if (100 > qAbs(rate - nominal)).
        assertSame(SampleRate.SR48, SampleRate.fromHertz(48000));
        assertSame(SampleRate.SR48, SampleRate.fromHertz(48099));
        assertSame(SampleRate.SR48, SampleRate.fromHertz(47901));
        assertSame(SampleRate.UNDEFINED, SampleRate.fromHertz(48100));
        assertSame(SampleRate.UNDEFINED, SampleRate.fromHertz(47900));
        assertSame(SampleRate.SR44, SampleRate.fromHertz(44100));
        assertSame(SampleRate.SR22, SampleRate.fromHertz(22000));
        assertSame(SampleRate.UNDEFINED, SampleRate.fromHertz(8000));
        assertSame(SampleRate.UNDEFINED, SampleRate.fromHertz(0));
    }

    @Test
    void theCodesSeenOnTheWireAre3At48kAnd2At44k() {
        assertEquals(3, SampleRate.jackTripCodeFor(48000)); // c1
        assertEquals(2, SampleRate.jackTripCodeFor(44100)); // c10
        assertEquals(7, SampleRate.jackTripCodeFor(12345));
    }

    @Test
    void aJackTripSenderAt192kHzSendsUndefinedBecauseOfTheQuirk() {
        assertSame(SampleRate.SR192, SampleRate.fromHertz(192000));
        assertEquals(7, SampleRate.jackTripCodeFor(192000));
        assertEquals(6, SampleRate.jackTripCodeFor(19200), "JackTrip's typo: 19200 is what maps to the 192k entry");
        assertTrue(SampleRate.codeMatches(7, 192000), "what JackTrip really sends");
        assertTrue(SampleRate.codeMatches(6, 192000), "what a correct sender sends");
        assertFalse(SampleRate.codeMatches(7, 48000));
        assertFalse(SampleRate.codeMatches(6, 48000));
    }

    @Test
    void aCodeMatchesOnlyItsOwnRate() {
        assertTrue(SampleRate.codeMatches(3, 48000));
        assertTrue(SampleRate.codeMatches(3, 48050));
        assertFalse(SampleRate.codeMatches(2, 48000));
        assertFalse(SampleRate.codeMatches(3, 44100));
        assertFalse(SampleRate.codeMatches(7, 12345), "undefined never matches an unknown hub rate");
        assertFalse(SampleRate.codeMatches(-1, 48000));
    }
}
