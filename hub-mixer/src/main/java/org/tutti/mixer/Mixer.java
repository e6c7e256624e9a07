package org.tutti.mixer;

import org.tutti.mixer.dsp.LevelMeters;
import org.tutti.mixer.dsp.Limiter;
import org.tutti.mixer.dsp.Ramp;
import org.tutti.mixer.plan.ListenerMix;
import org.tutti.mixer.plan.MixPlan;

/**
 * Renders a {@link MixPlan} once per period on the audio thread. Never locks, never allocates
 * after construction.
 *
 * <p>When a listener's mix object differs from last period's, both are rendered and crossfaded
 * across the period — equivalent to ramping every gain linearly, so mix changes never click. A
 * new listener fades in. Every output then passes its own {@link Limiter} and is metered.
 */
public final class Mixer {
    private final int maxChannels;
    private final ListenerMix[] lastMix;
    private final long[] seenInPeriod;
    private final Limiter[] limiters;
    private final int[] activeSlots;
    private int activeCount;
    private final float[][] scratch;
    private final LevelMeters outputMeters;
    private long period;

    /**
     * @param outputSlots  number of output slots (listener slots are indices below this)
     * @param maxChannels  widest listener
     * @param maxFrames    longest period
     */
    public Mixer(int outputSlots, int maxChannels, int maxFrames, int sampleRate) {
        this.maxChannels = maxChannels;
        this.lastMix = new ListenerMix[outputSlots];
        this.seenInPeriod = new long[outputSlots];
        this.limiters = new Limiter[outputSlots];
        for (int i = 0; i < outputSlots; i++) {
            limiters[i] = Limiter.standard(sampleRate);
            seenInPeriod[i] = -1;
        }
        this.activeSlots = new int[outputSlots];
        this.scratch = new float[maxChannels][maxFrames];
        this.outputMeters = new LevelMeters(outputSlots, sampleRate, maxFrames);
    }

    /** Peak/RMS of each listener's final mix. */
    public LevelMeters outputMeters() {
        return outputMeters;
    }

    public long periods() {
        return period;
    }

    /**
     * Mixes one period.
     *
     * @param sources {@code sources[slot][channel][frame]}; a null slot is silent
     * @param outputs {@code outputs[slot][channel][frame]}; every listener's slot must be present and wide enough
     */
    public void process(MixPlan plan, float[][][] sources, float[][][] outputs, int frames) {
        period++;
        for (int b = 0; b < plan.busCount(); b++) {
            plan.bus(b).render(sources, frames, period);
        }
        for (int i = 0; i < plan.listenerCount(); i++) {
            ListenerMix mix = plan.listener(i);
            int slot = mix.slot();
            int channels = Math.min(mix.channels(), maxChannels);
            float[][] out = outputs[slot];
            mix.render(sources, out, frames, period);
            ListenerMix before = lastMix[slot];
            if (before == null) {
                limiters[slot].reset();
                outputMeters.reset(slot);
                for (int c = 0; c < channels; c++) {
                    Ramp.fadeIn(out[c], frames);
                }
            } else if (before != mix) {
                before.render(sources, scratch, frames, period);
                for (int c = 0; c < channels; c++) {
                    if (c >= before.channels()) {
                        java.util.Arrays.fill(scratch[c], 0, frames, 0f);
                    }
                    Ramp.crossfade(scratch[c], out[c], frames);
                }
            }
            lastMix[slot] = mix;
            limiters[slot].process(out, channels, frames);
            outputMeters.measure(slot, out, channels, frames);
            if (seenInPeriod[slot] != period - 1) {
                activeSlots[activeCount++] = slot;
            }
            seenInPeriod[slot] = period;
        }
        forgetDepartedListeners();
    }

    /** Listeners absent from this period's plan start from silence if they come back. */
    private void forgetDepartedListeners() {
        int kept = 0;
        for (int i = 0; i < activeCount; i++) {
            int slot = activeSlots[i];
            if (seenInPeriod[slot] == period) {
                activeSlots[kept++] = slot;
            } else {
                lastMix[slot] = null;
            }
        }
        activeCount = kept;
    }

    /** Output gain reduction of a listener's limiter, 1 = none (control plane read; may be stale). */
    public float limiterGain(int slot) {
        return limiters[slot].gain();
    }
}
