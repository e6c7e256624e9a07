package org.tutti.server.jitter;

import org.tutti.mixer.dsp.AdaptiveResampler;
import org.tutti.mixer.dsp.ResamplerKernel;
import org.tutti.mixer.dsp.DepthController;

/**
 * One participant's audio on its way into the mix (audio thread): the jitter buffer, read at the
 * client's rate, then a resampler to the hub's rate and period. The resampler also holds the depth:
 * a {@link DepthController} nudges its ratio so the buffer stays at its target however the client's
 * clock drifts, without dropping or repeating anything (no periodic clicks).
 *
 * <p>While the depth stays within a packet of its target and the client runs at the hub's rate, the
 * ratio is exactly 1 and samples pass through bit for bit. Two seconds after the stream starts, an
 * offset its start left behind (clients send bursts when they start), measured as the mean depth over
 * the last second, is fixed once, in whole packets. Drift correction engages the first time the depth
 * wanders further after that while the sender's clock measurably drifts (for a client 20 ppm off,
 * after a couple of minutes) or after the target changed (adaptive depth), and then stays on. A depth
 * that stays off for 5 s with no drift measured (the path's delay changed) is realigned once, in
 * whole packets; stalls, jitter and bursts, which move the depth for less than that, change nothing.
 * An adaptive target ({@code -q auto}) that rises by more than a packet (jitter began) is met at once:
 * the buffer waits, concealed, until it holds the new depth. One that falls is followed by resampling.
 * A sender that loses time (its JACK server drops cycles) leaves the buffer short by that much: on a
 * jittery path under an adaptive target it re-primes at once, elsewhere the resampler makes the time up
 * unless the buffer conceals for it or runs dry (then it re-primes too: {@link ShortfallWatch}).
 * A client at another sample rate is converted from the start.
 *
 * <p>No locks, no allocation after construction.
 */
public final class StreamInput {
    /** Measured clock drift below this is taken as none (see {@link #drifting()}). */
    static final double MIN_DRIFT_PPM = 3;
    private final JitterBuffer buffer;
    private final AdaptiveResampler resampler;
    private final DepthController controller;
    private final DepthTarget target;
    private final double nominalRatio;
    private final int clientRate;
    private final int hubRate;
    private final int hubPeriod;
    private final float[][] scratch;
    private final double periodInClientFrames;
    private final double smoothing;
    private boolean correcting;
    private double smoothedDepth = Double.NaN;
    private final ShortfallWatch watch;
    /** Periods since the buffer started playing; the depth is judged only after it settled. */
    private long periodsPlaying;
    private final long settlePeriods;
    private volatile int targetFrames;
    private volatile double correctionPpm;
    private volatile boolean settled;
    /** The stream has been settled once: a start-up after a re-prime has no burst to measure. */
    private boolean settledOnce;
    /** Sum of the depth's offset from the setpoint over the second half of the start-up. */
    private double offsetSum;
    /** Consecutive periods the smoothed depth has been more than a packet off with no drift measured. */
    private long periodsOffTarget;
    private boolean targetMoved;
    /** The start-up offset has been fixed (it is fixed once). */
    private boolean startFixed;

    public StreamInput(JitterBuffer buffer, DepthTarget target, int clientRate, int hubRate, int hubPeriod) {
        this.buffer = buffer;
        this.target = target;
        this.clientRate = clientRate;
        this.hubRate = hubRate;
        this.hubPeriod = hubPeriod;
        this.nominalRatio = (double) hubRate / clientRate;
        this.periodInClientFrames = hubPeriod / nominalRatio;
        this.smoothing = 1 - Math.exp(-(double) hubPeriod / hubRate); // ~1 s time constant
        this.settlePeriods = 2L * hubRate / hubPeriod; // 2 s
        this.watch = new ShortfallWatch(buffer, target, clientRate, hubRate, hubPeriod, offTargetFrames());
        int channels = buffer.channels();
        ResamplerKernel kernel = nominalRatio == 1.0 ? ResamplerKernel.forDrift()
                : ResamplerKernel.forRatio(nominalRatio);
        int maxInput = (int) Math.ceil(hubPeriod / nominalRatio * 1.01) + kernel.taps() + 8;
        this.resampler = new AdaptiveResampler(channels, 4 * maxInput, nominalRatio, kernel);
        this.controller = new DepthController(clientRate, (double) hubRate / hubPeriod,
                DepthController.DEFAULT_BANDWIDTH_HZ, DepthController.DEFAULT_DAMPING,
                DepthController.DEFAULT_SMOOTHING_SECONDS, DepthController.DEFAULT_MAX_PPM);
        this.scratch = new float[channels][4 * maxInput];
        this.correcting = nominalRatio != 1.0;
        this.targetFrames = target.frames(buffer, clientRate, hubPeriod, hubRate);
        buffer.targetFrames(targetFrames);
    }

    public JitterBuffer buffer() {
        return buffer;
    }

    /** The depth being held now, in the client's frames. */
    public int targetFrames() {
        return targetFrames;
    }

    /** The ratio correction the depth controller applies, ppm (0 while passing through). */
    public double correctionPpm() {
        return correctionPpm;
    }

    /**
     * Whether the sender's clock measurably differs from ours. A clock within this walks the depth by
     * a packet in a quarter of an hour or more; what moves the depth faster (a stall, jitter, a burst)
     * is no drift, and resampling would not help it.
     */
    private boolean drifting() {
        var drift = buffer.drift();
        return drift.converged() && Math.abs(drift.ppm()) >= MIN_DRIFT_PPM;
    }

    /** How far the depth may sit from its setpoint before anything is done about it. */
    private double offTargetFrames() {
        return buffer.framesPerPacket() + periodInClientFrames / 2;
    }

    /** Whether the start-up is behind it: the stream has played past the one-off fix of its start offset. */
    public boolean settled() {
        return settled;
    }

    /** Whether samples are being resampled (otherwise they pass through exactly). */
    public boolean correcting() {
        return correcting;
    }

    /** The depth's means start afresh: what they held says nothing about the depth from now on. */
    private void forgetDepth() {
        smoothedDepth = Double.NaN;
        watch.forgetDepth();
    }

    /** Fills {@code out[c][0, hubPeriod)}: one hub period of this participant's audio. */
    public void read(float[][] out) {
        int goal = target.adaptive() ? target.frames(buffer, clientRate, hubPeriod, hubRate) : targetFrames;
        if (goal != targetFrames) {
            int rise = goal - targetFrames;
            targetFrames = goal;
            buffer.targetFrames(goal);
            if (settledOnce && rise > buffer.framesPerPacket()) {
                // Jitter began: deeper at once, one concealed gap while the buffer fills to the new target,
                // rather than underrun after underrun while resampling (at most 1000 ppm) catches up.
                buffer.realign(-rise);
                forgetDepth(); // the means of the shallower depth say nothing about the new one
            } else {
                targetMoved |= settled; // during the start-up, the start-up fix takes care of it
            }
        }
        watch.beforeRead();
        int missing = resampler.needed(hubPeriod) - resampler.available();
        if (missing > 0) {
            buffer.read(scratch, missing);
            resampler.push(scratch, 0, missing);
        }
        int written = resampler.pull(out, 0, hubPeriod);
        for (int c = 0; c < out.length; c++) {
            java.util.Arrays.fill(out[c], written, hubPeriod, 0f);
        }
        if (!buffer.started()) {
            watch.notPlaying();
            periodsPlaying = 0;
            offsetSum = 0;
            settled = false;
            return;
        }
        if (watch.leftShort(goal)) {
            return; // re-priming: the start-up begins again once the buffer plays
        }
        // Measured after a read, the depth averages half a period below where reading started.
        double setpoint = goal - periodInClientFrames / 2;
        double depth = buffer.depthFrames() + resampler.buffered() - resampler.lookahead();
        if (!correcting && ++periodsPlaying <= settlePeriods) {
            // Start-up: the client's first packets come in bursts. The offset they leave is the mean
            // depth over the settle window's second half (jitter and stalls average out), fixed once.
            if (periodsPlaying > settlePeriods / 2) {
                offsetSum += depth - setpoint;
            }
            if (periodsPlaying == settlePeriods) {
                double offset = offsetSum / (settlePeriods - settlePeriods / 2);
                offsetSum = 0;
                smoothedDepth = setpoint + offset; // not the last depth alone: a stall may be under way
                // Once, and only for more than a packet and a half: a client that sends in pairs now and
                // then sits half a packet low on average, and re-fixing that every 2 s never settled.
                if (!startFixed && Math.abs(offset) > offTargetFrames() && buffer.realign(offset)) {
                    startFixed = true;
                    periodsPlaying = 0; // an offset the start left, not drift: fixed in whole packets
                }
            }
            return;
        }
        settled = true;
        settledOnce = true;
        if (watch.reprimedAfterStartUp(goal, depth, setpoint)) {
            periodsOffTarget = 0;
            forgetDepth();
            controller.reset();
            return;
        }
        smoothedDepth = Double.isNaN(smoothedDepth) ? depth : smoothedDepth + smoothing * (depth - smoothedDepth);
        double off = smoothedDepth - setpoint;
        if (!correcting && Math.abs(off) > offTargetFrames()) {
            if (targetMoved || drifting()) {
                correcting = true; // the clock has drifted (or the target moved): hold the depth by resampling
                controller.reset();
            } else if (++periodsOffTarget >= settlePeriods * 5 / 2 && buffer.realign(off)) {
                // Off for 5 s with no drift to explain it (the path's delay changed): fixed once, in whole
                // packets. A stall or a burst of jitter moves the mean depth for less than that.
                periodsOffTarget = 0;
                forgetDepth();
            }
        } else {
            periodsOffTarget = 0;
        }
        if (correcting) {
            double correction = controller.update(depth, setpoint);
            correctionPpm = controller.ppm();
            resampler.setRatio(DepthController.resampleRatio(nominalRatio, buffer.drift().ratio(), correction));
        }
    }
}
