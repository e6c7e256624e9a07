package org.tutti.protocol.udp;

/**
 * JackTrip's sampling-rate enum (byte 12 of the header, spec §3.2).
 */
public enum SampleRate {
    SR22(0, 22050),
    SR32(1, 32000),
    SR44(2, 44100),
    SR48(3, 48000),
    SR88(4, 88200),
    SR96(5, 96000),
    SR192(6, 192000),
    UNDEFINED(7, 0);

    private static final SampleRate[] BY_CODE = values();
    /** JackTrip maps a rate to an enum value when it is within this many Hz. */
    private static final int TOLERANCE_HZ = 100;

    private final int code;
    private final int hertz;

    SampleRate(int code, int hertz) {
        this.code = code;
        this.hertz = hertz;
    }

    public int code() {
        return code;
    }

    /** Nominal rate in Hz; 0 for {@link #UNDEFINED}. */
    public int hertz() {
        return hertz;
    }

    /** The enum for a wire code, or {@code null} when the code is outside 0..7. */
    public static SampleRate fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The enum whose nominal rate is within ±100 Hz of {@code hertz}, or {@link #UNDEFINED}. */
    public static SampleRate fromHertz(int hertz) {
        for (SampleRate rate : BY_CODE) {
            if (rate != UNDEFINED && Math.abs(hertz - rate.hertz) < TOLERANCE_HZ) {
                return rate;
            }
        }
        return UNDEFINED;
    }

    /**
     * The code a real JackTrip sender puts on the wire at {@code hertz}. Identical to
     * {@link #fromHertz} except that JackTrip compares the 192 kHz entry against 19200: a 192 kHz
     * sender sends 7, and one at 19101–19299 Hz sends 6.
     */
    public static int jackTripCodeFor(int hertz) {
        if (Math.abs(hertz - 19200) < TOLERANCE_HZ) {
            return SR192.code;
        }
        SampleRate rate = fromHertz(hertz);
        return rate == SR192 ? UNDEFINED.code : rate.code;
    }

    /**
     * Whether a packet with {@code code} comes from a sender running at {@code hertz}: the proper
     * code, or for 192 kHz also the {@link #UNDEFINED} code JackTrip actually sends.
     */
    public static boolean codeMatches(int code, int hertz) {
        SampleRate expected = fromHertz(hertz);
        if (expected == UNDEFINED) {
            return false;
        }
        return code == expected.code || (expected == SR192 && code == UNDEFINED.code);
    }
}
