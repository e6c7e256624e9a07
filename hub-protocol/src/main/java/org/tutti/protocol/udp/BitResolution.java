package org.tutti.protocol.udp;

import java.nio.ByteBuffer;

/**
 * JackTrip's sample encodings (spec §3.3, {@code AudioInterface::fromSampleToBitConversion} and
 * {@code fromBitToSampleConversion}), reproduced exactly including their asymmetric scaling:
 * 16-bit encodes with 32767 and decodes with 32768, so each 16-bit hop scales by 32767/32768.
 *
 * <p>One deliberate difference: JackTrip does not clamp 24-bit samples, so a sum of 1.0 or more
 * wraps around to a loud negative value. Tutti clamps to the largest and smallest encodable value.
 */
public enum BitResolution {
    BIT8(8),
    BIT16(16),
    BIT24(24),
    BIT32(32);

    /** Largest float the 24-bit layout can carry: int16 32767 plus fraction 255/256. */
    static final double MAX_24 = (32767.0 + 255.0 / 256.0) / 32768.0;

    private final int bits;
    private final int bytesPerSample;

    BitResolution(int bits) {
        this.bits = bits;
        this.bytesPerSample = bits / 8;
    }

    public int bits() {
        return bits;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }

    /** The resolution for header byte 13, or {@code null} if it is not 8, 16, 24 or 32. */
    public static BitResolution fromBits(int bits) {
        switch (bits) {
            case 8:
                return BIT8;
            case 16:
                return BIT16;
            case 24:
                return BIT24;
            case 32:
                return BIT32;
            default:
                return null;
        }
    }

    /** Encodes {@code count} consecutive samples of {@code source} to {@code target} at {@code index}. */
    public void encode(float[] source, int sourceOffset, int count, ByteBuffer target, int index) {
        switch (this) {
            case BIT8:
                for (int i = 0; i < count; i++) {
                    target.put(index + i, (byte) encode8(source[sourceOffset + i]));
                }
                break;
            case BIT16:
                for (int i = 0; i < count; i++) {
                    LittleEndian.putShort(target, index + 2 * i, (short) encode16(source[sourceOffset + i]));
                }
                break;
            case BIT24:
                for (int i = 0; i < count; i++) {
                    put24(target, index + 3 * i, source[sourceOffset + i]);
                }
                break;
            case BIT32:
                for (int i = 0; i < count; i++) {
                    LittleEndian.putFloat(target, index + 4 * i, source[sourceOffset + i]);
                }
                break;
            default:
                throw new AssertionError(this);
        }
    }

    /** Writes {@code count} encoded zero samples (silence) at {@code index}. */
    public void encodeSilence(int count, ByteBuffer target, int index) {
        // Every encoding maps 0.0f to all-zero bytes.
        for (int i = 0, n = count * bytesPerSample; i < n; i++) {
            target.put(index + i, (byte) 0);
        }
    }

    /** Decodes {@code count} consecutive samples at {@code index} into {@code target}. */
    public void decode(ByteBuffer source, int index, int count, float[] target, int targetOffset) {
        switch (this) {
            case BIT8:
                for (int i = 0; i < count; i++) {
                    target[targetOffset + i] = source.get(index + i) / 128.0f;
                }
                break;
            case BIT16:
                for (int i = 0; i < count; i++) {
                    target[targetOffset + i] = LittleEndian.getShort(source, index + 2 * i) / 32768.0f;
                }
                break;
            case BIT24:
                for (int i = 0; i < count; i++) {
                    target[targetOffset + i] = get24(source, index + 3 * i);
                }
                break;
            case BIT32:
                for (int i = 0; i < count; i++) {
                    target[targetOffset + i] = LittleEndian.getFloat(source, index + 4 * i);
                }
                break;
            default:
                throw new AssertionError(this);
        }
    }

    /** int8 = clamp(round(x·127), −127, 127); NaN becomes 0. */
    public static int encode8(float sample) {
        return (int) clampRound(sample * 127.0, 127.0);
    }

    /** int16 = clamp(round(x·32767), −32767, 32767); −32768 is never produced; NaN becomes 0. */
    public static int encode16(float sample) {
        // The hottest line of the send path, so no floor(): sample·32767 is exact in a double and so
        // is adding ±0.5; the cast then truncates toward zero, which is rounding halves away from zero.
        // The cast saturates huge values and maps NaN to 0; the int clamp does the rest.
        double scaled = sample * 32767.0;
        int rounded = (int) (scaled + Math.copySign(0.5, scaled));
        return Math.max(-32767, Math.min(32767, rounded));
    }

    /**
     * The 24-bit layout: int16 LE of floor(x·32768) in bytes 0–1, then the unsigned remainder
     * floor((x·32768 − that)·256) in byte 2. Equivalently, for w = floor(x·2²³), the bytes are
     * bits 8–15, bits 16–23, bits 0–7.
     */
    public static void put24(ByteBuffer target, int index, float sample) {
        double scaled = clamp24(sample) * 32768.0;
        double whole = Math.floor(scaled);
        int fraction = (int) Math.floor((scaled - whole) * 256.0);
        LittleEndian.putShort(target, index, (short) whole);
        target.put(index + 2, (byte) fraction);
    }

    public static float get24(ByteBuffer source, int index) {
        float whole = LittleEndian.getShort(source, index);
        float fraction = (source.get(index + 2) & 0xFF) / 256.0f;
        return (whole + fraction) / 32768.0f;
    }

    private static double clamp24(float sample) {
        if (sample != sample) {
            return 0.0;
        }
        return Math.max(-1.0, Math.min(MAX_24, sample));
    }

    /** C's std::round (halves away from zero) followed by a symmetric clamp. */
    private static double clampRound(double scaled, double limit) {
        if (scaled != scaled) {
            return 0.0;
        }
        // scaled is a float times a 15-bit integer: exact in a double, so adding 0.5 is exact too.
        double rounded = scaled >= 0 ? Math.floor(scaled + 0.5) : -Math.floor(-scaled + 0.5);
        return Math.max(-limit, Math.min(limit, rounded));
    }
}
