package org.tutti.loadgen;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.tutti.protocol.udp.BitResolution;

/**
 * The test signals, chosen so the receiver can check them exactly and cheaply.
 *
 * <p><b>Ramp</b> (channel 1 in loopback and none modes): sample {@code s} of client {@code k} has
 * the integer value {@code ((s + phase_k) mod P) − P/2}, sent as {@code value / S}. With S = 32768
 * (P = 32768, half scale) for 16/24/32-bit and S = 128 (P = 128) for 8-bit, every value survives
 * JackTrip's encode/decode and any number of 16-bit (or 8-bit) hops through a hub unchanged: the
 * 32767/32768 scaling moves a half-scale value by less than half a code. So the returned ramp
 * reveals every lost, repeated or concealed sample, and its value tells which sample it is, hence
 * when it was sent (round-trip time, unambiguous up to P samples = 0.68 s at 48 kHz).
 *
 * <p><b>Tone</b> (channel 2; in mix mode every channel): client {@code k} plays a sine on bin
 * {@code bin_k} of a window of {@code W = rate/10} samples (10 Hz bins), so every client's tone has
 * a whole number of cycles per window and tones of different clients are orthogonal there: a
 * Goertzel filter over one window hears one client's tone in a mix of hundreds without leakage.
 *
 * <p><b>Marker</b> (mix mode, channel 1): one client at a time adds a single-sample impulse far
 * above the summed tones; the others time its arrival.
 *
 * <p>Both signals are periodic, so they are encoded once (with the protocol's {@link BitResolution})
 * into tables, and a packet's payload is a copy out of them: no per-sample arithmetic when sending,
 * and a returned ramp is checked by comparing bytes.
 */
final class Signal {
    /** Marker impulse amplitude and the detection threshold (summed tones stay at or under 0.25). */
    static final float MARKER_LEVEL = 0.6f;
    static final float MARKER_THRESHOLD = 0.35f;
    static final double LOWEST_TONE_HZ = 300;

    final int rampPeriod;
    final int rampHalf;
    final float rampScale;
    final int window;
    final float[] sine;
    private final int lowestBin;
    private final int binRange;
    /** Clients step through the bins by a stride coprime to their number, so bins repeat only after binRange clients. */
    private final int binStride;

    final BitResolution bits;
    private final int maxFrames;
    /** Encoded ramp: sample j is the value {@code (j mod P) − P/2}, for j in [0, P + frames). */
    final ByteBuffer rampTable;
    private final Map<Integer, ByteBuffer> toneTables = new HashMap<>();

    Signal(int sampleRate, BitResolution bits) {
        this(sampleRate, bits, 0);
    }

    Signal(int sampleRate, BitResolution bits, int maxFrames) {
        this.bits = bits;
        this.maxFrames = maxFrames;
        this.rampPeriod = bits == BitResolution.BIT8 ? 128 : 32768;
        this.rampHalf = rampPeriod / 2;
        this.rampScale = bits == BitResolution.BIT8 ? 128f : 32768f;
        this.window = Math.max(64, sampleRate / 10);
        this.sine = new float[window];
        for (int i = 0; i < window; i++) {
            sine[i] = (float) Math.sin(2 * Math.PI * i / window);
        }
        double binHz = (double) sampleRate / window;
        this.lowestBin = (int) Math.ceil(LOWEST_TONE_HZ / binHz);
        int highestBin = (int) (0.4 * window);
        this.binRange = Math.max(1, highestBin - lowestBin);
        int stride = 7;
        while (java.math.BigInteger.valueOf(stride).gcd(java.math.BigInteger.valueOf(binRange)).intValue() != 1) {
            stride += 2;
        }
        this.binStride = stride % binRange == 0 ? 1 : stride;
        float[] ramp = new float[rampPeriod + maxFrames];
        for (int j = 0; j < ramp.length; j++) {
            ramp[j] = ((j & (rampPeriod - 1)) - rampHalf) / rampScale;
        }
        this.rampTable = encode(ramp);
    }

    private ByteBuffer encode(float[] samples) {
        ByteBuffer table = ByteBuffer.allocateDirect(samples.length * bits.bytesPerSample());
        bits.encode(samples, 0, samples.length, table, 0);
        return table;
    }

    /** Byte offset in {@link #rampTable} of the sample whose ramp value is {@code value}. */
    int rampTableOffset(int value) {
        return (value + rampHalf) * bits.bytesPerSample();
    }

    /** Byte offset in {@link #rampTable} where absolute sample {@code sample} of a client with {@code phase} starts. */
    int rampTableOffset(long sample, int phase) {
        return (int) ((sample + phase) & (rampPeriod - 1)) * bits.bytesPerSample();
    }

    /**
     * The encoded tone on {@code bin} at {@code level}: sample j is {@code level·sin(2π·bin·j/W)} for j in
     * [0, W + frames); sample s of the stream starts at byte {@code (s mod W)·B}. Shared by clients on the same bin.
     */
    synchronized ByteBuffer toneTable(int bin, float level) {
        return toneTables.computeIfAbsent(bin, b -> {
            float[] tone = new float[window + maxFrames];
            for (int j = 0; j < tone.length; j++) {
                tone[j] = level * sine[(int) ((long) b * j % window)];
            }
            return encode(tone);
        });
    }

    /** Ramp value of absolute sample {@code sample} for a client with ramp phase {@code phase}. */
    int ramp(long sample, int phase) {
        return (int) ((sample + phase) & (rampPeriod - 1)) - rampHalf;
    }

    /** The value after {@code value} on the ramp (wraps from P/2 − 1 to −P/2). */
    int next(int value) {
        return ((value + 1 + rampHalf) & (rampPeriod - 1)) - rampHalf;
    }

    /**
     * Samples this close to the ramp's wrap (its one jump) are not checked when a tolerance is set: a
     * hub that resamples (drift correction) rings there, while a continuing ramp is otherwise
     * reproduced to within a code or two.
     */
    static final int WRAP_GUARD = 32;

    /** Whether {@code value} lies within {@link #WRAP_GUARD} samples of the wrap. */
    boolean nearWrap(int value) {
        return value >= rampHalf - WRAP_GUARD || value < -rampHalf + WRAP_GUARD;
    }

    /** Signed distance {@code a − b} on the ramp circle. */
    int distance(int a, int b) {
        return ((a - b + rampHalf) & (rampPeriod - 1)) - rampHalf;
    }

    /** The integer ramp value carried by a decoded sample. */
    int valueOf(float sample) {
        return Math.round(sample * rampScale);
    }

    /**
     * The newest absolute sample index below {@code limit} whose ramp value is {@code value}
     * (for a client with ramp phase {@code phase}).
     */
    long sampleOf(int value, int phase, long limit) {
        long residue = ((long) value + rampHalf - phase) & (rampPeriod - 1);
        long top = limit - 1;
        return top - ((top - residue) & (rampPeriod - 1));
    }

    /** Each client's ramp starts at a different value, so their streams are told apart. */
    int rampPhase(int client) {
        return (int) ((client * 7919L) & (rampPeriod - 1));
    }

    /** The tone bin of client {@code client}: distinct for the first several hundred clients. */
    int toneBin(int client) {
        return lowestBin + (int) ((client * (long) binStride) % binRange);
    }

    double toneHz(int client, int sampleRate) {
        return (double) toneBin(client) * sampleRate / window;
    }
}
