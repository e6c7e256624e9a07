package org.tutti.server.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Glitches in a received copy of a counting signal (a ramp whose every sample names its position,
 * modulo the ramp's length). A glitch is one place where the received stream stops being the exact
 * continuation of itself and resumes (anywhere) after some broken samples: a concealed gap, a
 * dropped or repeated packet, a dropout to zeros. However many samples a glitch spans, it counts once,
 * so one stall of the machine is one glitch, not hundreds.
 */
public final class StreamContinuity {
    /** Consecutive exact samples that count as being back in the stream. */
    public static final int RESYNC_SAMPLES = 32;

    /** One glitch: where it started (sample index), how many samples were broken, the jump in the count. */
    public record Glitch(int start, int brokenSamples, int jump) {
    }

    private final List<Glitch> glitches = new ArrayList<>();
    private int firstInStream = -1;
    private long exactSamples;

    /** A sample's position in the ramp (0 … length−1), or −1 when it is no ramp value. */
    public interface Decoder {
        int position(float sample);
    }

    /**
     * @param samples the recording
     * @param length  the ramp's length
     */
    public static StreamContinuity of(float[] samples, Decoder decode, int length) {
        int[] positions = new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            positions[i] = decode.position(samples[i]);
        }
        return of(positions, length);
    }

    /** As {@link #of(float[], Decoder, int)}, on decoded positions. */
    public static StreamContinuity of(int[] positions, int length) {
        StreamContinuity result = new StreamContinuity();
        int n = positions.length;
        int i = result.findRun(positions, 0, length);
        if (i < 0) {
            return result;
        }
        result.firstInStream = i;
        int previous = positions[i];
        int glitchStart = -1;
        int lastGood = previous;
        int run = 0;
        for (int k = i + 1; k < n; k++) {
            int position = positions[k];
            boolean continues = position >= 0 && previous >= 0 && position == (previous + 1) % length;
            if (glitchStart < 0) {
                if (continues) {
                    result.exactSamples++;
                } else {
                    glitchStart = k;
                    lastGood = previous;
                    run = 0;
                }
            } else if (continues) {
                if (++run >= RESYNC_SAMPLES) {
                    int resumed = k - run;
                    int jump = Math.floorMod(positions[resumed] - (lastGood + 1 + (resumed - glitchStart)), length);
                    result.glitches.add(new Glitch(glitchStart, resumed - glitchStart, jump));
                    result.exactSamples += run;
                    glitchStart = -1;
                }
            } else {
                run = 0;
            }
            previous = position;
        }
        if (glitchStart >= 0) {
            result.glitches.add(new Glitch(glitchStart, n - glitchStart, 0));
        }
        return result;
    }

    /** The first index from which {@link #RESYNC_SAMPLES} samples continue each other, or −1. */
    private int findRun(int[] positions, int from, int length) {
        int run = 0;
        for (int k = from + 1; k < positions.length; k++) {
            boolean continues = positions[k] >= 0 && positions[k - 1] >= 0
                    && positions[k] == (positions[k - 1] + 1) % length;
            run = continues ? run + 1 : 0;
            if (run >= RESYNC_SAMPLES) {
                return k - run;
            }
        }
        return -1;
    }

    public List<Glitch> glitches() {
        return glitches;
    }

    public int count() {
        return glitches.size();
    }

    public int brokenSamples() {
        return glitches.stream().mapToInt(Glitch::brokenSamples).sum();
    }

    /** Where the stream was first found (what comes before is the start-up: silence, prefill). */
    public int firstInStream() {
        return firstInStream;
    }

    public long exactSamples() {
        return exactSamples;
    }

    @Override
    public String toString() {
        return count() + " glitches, " + brokenSamples() + " broken samples, " + exactSamples + " exact"
                + (glitches.isEmpty() ? "" : " " + glitches.subList(0, Math.min(10, glitches.size())));
    }
}
