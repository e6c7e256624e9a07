package org.tutti.mixer.dsp;

/**
 * The level a concealment plays at through an outage, and the crossfade back into real audio.
 * The prediction plays at full level for the first third of the maximum outage, then fades out with a
 * raised cosine and is exactly zero from the maximum on, so a long outage never becomes an endless
 * drone. The crossfade into the real audio is a raised cosine too. Both curves are tabulated once: a
 * cosine per sample is too dear on the audio path.
 */
final class OutageEnvelope {
    private final float[] gain;
    private final double[] resume;

    /**
     * @param outageFrames from this far into an outage the level is zero (at least 1)
     * @param resumeFrames the crossfade's length (at least 1)
     */
    OutageEnvelope(int outageFrames, int resumeFrames) {
        this.gain = new float[outageFrames];
        int hold = outageFrames / 3;
        for (int r = 0; r < outageFrames; r++) {
            gain[r] = r < hold ? 1f
                    : (float) (0.5 + 0.5 * Math.cos(Math.PI * (r - hold + 1) / (outageFrames - hold + 1)));
        }
        this.resume = new double[resumeFrames];
        for (int k = 0; k < resumeFrames; k++) {
            resume[k] = 0.5 - 0.5 * Math.cos(Math.PI * (k + 1) / (resumeFrames + 1));
        }
    }

    /** Frames into an outage from which the level is zero. */
    int outageFrames() {
        return gain.length;
    }

    /** The crossfade's length in frames. */
    int resumeFrames() {
        return resume.length;
    }

    /** The level {@code frame} frames into an outage, for {@code frame < outageFrames()}. */
    float gain(int frame) {
        return gain[frame];
    }

    /** The real audio's weight {@code frame} frames into the crossfade (the prediction has the rest). */
    double resumeWeight(int frame) {
        return resume[frame];
    }
}
