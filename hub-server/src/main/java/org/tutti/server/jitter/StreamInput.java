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
 * unless the buffer conceals for it or runs dry (then it re-primes too).
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
    /** The mean depth over about the last quarter second: a sender's loss shows in it within that. */
    private double recentDepth = Double.NaN;
    private final double recentSmoothing;
    /** Time constant of {@link #recentDepth}: long enough to average jitter of tens of ms out. */
    static final double RECENT_SECONDS = 0.25;
    /** Periods since the buffer started playing; the depth is judged only after it settled. */
    private long periodsPlaying;
    private final long settlePeriods;
    private volatile int targetFrames;
    private volatile double correctionPpm;
    private volatile boolean settled;
    /** The stream has been settled once: a start-up after a re-prime has no burst to measure. */
    private boolean settledOnce;
    /** The sender's time losses its arrivals had shown (see {@link ArrivalSpread}) at the last period. */
    private long timeLossesSeen;
    /** An arrival spread beyond this many packets makes a path jittery (see {@link #lostTimeOnAJitteryPath}). */
    static final int JITTERY_PACKETS = 2;
    /** Sum of the depth's offset from the setpoint over the second half of the start-up. */
    private double offsetSum;
    /** Consecutive periods the smoothed depth has been more than a packet off with no drift measured. */
    private long periodsOffTarget;
    private boolean targetMoved;
    /** The start-up offset has been fixed (it is fixed once). */
    private boolean startFixed;
    /** Late packets that make the sender count as flowing again while the buffer is still dry. */
    static final int LATE_WHILE_DRY = 4;
    /** Dry spells, each within a second of the one before, that make a buffer still short count as starving. */
    static final int DRY_SPELLS = 3;
    private final long secondPeriods;
    /** Whether the counters below have a baseline: from the first period after the start-up on. */
    private boolean watchingDry;
    private long lastUnderruns;
    private long lastLate;
    private boolean dry;
    private long lateWhileDry;
    private int drySpells;
    private long periodsSinceDry = Long.MAX_VALUE / 2;
    private int fullestSinceDry;
    private long lastGaps;
    /** Consecutive periods each of which ran dry in a gap of its own. */
    private int tricklingPeriods;
    /**
     * Periods in a row, each dry in a gap of its own, that make the buffer re-prime: it plays at no depth,
     * each packet just in time for its period and a few frames short of it.
     */
    static final int TRICKLING_PERIODS = 4;
    /**
     * How long a buffer may play on short by more than half its target (and by more than a packet and a
     * half) before it re-primes: longer than the gap of any network stall its depth rides out, whose
     * burst refills it, and short enough that the re-prime stays next to the stall that caused it.
     */
    static final double SHORT_SECONDS = 0.25;
    private final long shortPeriods;
    /** Consecutive periods, dry ones not counted, the buffer has been short as above. */
    private long periodsShort;
    /** Packets late for their turn, while the mean depth sits short of the target, that make it re-prime. */
    static final int LATE_WHILE_SHORT = 3;
    /** Whether the mean depth is short of the target by more than {@link #offTargetFrames()}. */
    private boolean meanShort;
    /** The buffer's count of late packets when the mean depth got short. */
    private long lateWhenShort;

    public StreamInput(JitterBuffer buffer, DepthTarget target, int clientRate, int hubRate, int hubPeriod) {
        this.buffer = buffer;
        this.target = target;
        this.clientRate = clientRate;
        this.hubRate = hubRate;
        this.hubPeriod = hubPeriod;
        this.nominalRatio = (double) hubRate / clientRate;
        this.periodInClientFrames = hubPeriod / nominalRatio;
        this.smoothing = 1 - Math.exp(-(double) hubPeriod / hubRate); // ~1 s time constant
        this.recentSmoothing = 1 - Math.exp(-(double) hubPeriod / (RECENT_SECONDS * hubRate));
        this.settlePeriods = 2L * hubRate / hubPeriod; // 2 s
        this.secondPeriods = hubRate / hubPeriod;
        this.shortPeriods = Math.max(1, Math.round(SHORT_SECONDS * hubRate / hubPeriod));
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

    /**
     * Whether the sender lost time in a stall of its own (its machine stalled, its audio with it), so
     * that its packets, when they come again, come late for good and no burst refills the buffer: then
     * the buffer re-primes at once, one concealed gap, and plays on at its target depth. Two signs, each
     * impossible after a stall of the network, whose burst brings the held packets and the current
     * ones together: the buffer still dry after {@value #LATE_WHILE_DRY} late packets came meanwhile
     * (the sender runs again, behind the play position), or {@value #DRY_SPELLS} dry spells in a row,
     * a second apart at most, with the buffer short of its target by more than a packet and a half all
     * the while between the last two (behind by about its depth, it runs dry on every late packet;
     * jitter at the target depth refills it between spells). Without this the buffer coasted 250 ms in
     * silence in the first case, and ran dry again and again for 5 s, until the realignment of a
     * lasting offset, in the second (seen on a VM whose JACK server, the client's, stalls often).
     */
    private boolean senderLostTime(int goal) {
        JitterStats stats = buffer.stats();
        long underruns = stats.underruns();
        long late = stats.late();
        if (!watchingDry) {
            watchingDry = true;
            lastUnderruns = underruns;
            lastLate = late;
            lastGaps = stats.gaps();
            tricklingPeriods = 0;
            dry = false;
            drySpells = 0;
            periodsSinceDry = Long.MAX_VALUE / 2;
            return false;
        }
        boolean dryNow = underruns != lastUnderruns;
        boolean starving = false;
        if (dryNow) {
            if (!dry) {
                drySpells = periodsSinceDry <= secondPeriods ? drySpells + 1 : 1;
                lateWhileDry = 0;
                // Judged as each spell begins, on how full the buffer got since the one before.
                starving = drySpells >= DRY_SPELLS && fullestSinceDry < goal - offTargetFrames();
            }
            lateWhileDry += late - lastLate;
            periodsSinceDry = 0;
            fullestSinceDry = 0;
        } else {
            periodsSinceDry++;
            fullestSinceDry = Math.max(fullestSinceDry, buffer.depthFrames());
        }
        dry = dryNow;
        lastUnderruns = underruns;
        lastLate = late;
        long gaps = stats.gaps();
        // Dry in this period and in the one before, a gap of its own each time: audio came in between, just
        // in time to be played and not enough for a period.
        tricklingPeriods = dryNow && gaps != lastGaps ? tricklingPeriods + 1 : 0;
        lastGaps = gaps;
        boolean behind = dryNow && lateWhileDry >= LATE_WHILE_DRY;
        boolean trickling = tricklingPeriods >= TRICKLING_PERIODS;
        if ((behind || starving || trickling) && buffer.realign(-goal)) {
            drySpells = 0;
            lateWhileDry = 0;
            tricklingPeriods = 0;
            periodsOffTarget = 0;
            forgetDepth();
            return true;
        }
        return false;
    }

    /**
     * Whether the sender lost a little less time than the buffer holds: it never runs dry, but plays on
     * with almost no depth left, so the next late packet runs it dry. Short of its target by more than
     * half (and by more than a packet and a half) for {@value #SHORT_SECONDS} s of periods in which it
     * did not run dry (no network stall keeps it that short for so long: its burst refills it), the
     * buffer re-primes, one concealed gap, rather than wait for the realignment of a lasting offset 5 s
     * later. Judged from the first period the buffer plays, start-up included: a client's JACK server
     * that loses cycles (its xruns) loses time then too, and a buffer left short at the end of the
     * start-up re-primed long after the loss (seen on a VM whose dummy JACK server reports an xrun
     * every few hundred milliseconds).
     */
    private boolean leftShort(int goal) {
        int depth = buffer.depthFrames();
        if (depth > 0) { // a dry buffer is judged by senderLostTime
            periodsShort = depth < goal - Math.max(goal / 2.0, offTargetFrames()) ? periodsShort + 1 : 0;
        }
        if (periodsShort >= shortPeriods && buffer.realign(-goal)) {
            periodsShort = 0;
            return true;
        }
        return false;
    }

    /**
     * Whether the buffer plays on short of its depth and conceals for it: its mean depth over the last
     * {@value #RECENT_SECONDS} s (so jitter does not count, and a loss shows at once: with the 1 s mean a
     * 16 ms loss on a path with 20 ms of jitter went on concealing for a third of a second before it
     * counted) short of the target by more than a packet and a half, and {@value #LATE_WHILE_SHORT}
     * packets came after their turn since it got there (lost ones do not count: no depth helps them).
     * The sender lost part of the depth for good (its JACK server dropped a few milliseconds of cycles,
     * or the path got longer) on a path whose jitter needs all of it, so every packet the jitter delays
     * beyond what is left is concealed. Then it re-primes, one gap, rather than conceal packet after
     * packet until a realignment 5 s later or until resampling (at most 1000 ppm, held back to 0.02 Hz)
     * has made the time up. A buffer short of its depth that conceals nothing (a calm path) is left to
     * the resampler.
     */
    private boolean limping(double off) {
        long late = buffer.stats().late();
        if (off >= -offTargetFrames()) {
            meanShort = false;
            return false;
        }
        if (!meanShort) {
            meanShort = true;
            lateWhenShort = late;
            return false;
        }
        if (late - lateWhenShort >= LATE_WHILE_SHORT && buffer.realign(off)) {
            meanShort = false;
            periodsOffTarget = 0;
            forgetDepth();
            controller.reset();
            return true;
        }
        return false;
    }

    /**
     * Whether the sender's arrivals just showed that it lost time (half a second ago: its packets have come
     * late for good since; {@link ArrivalSpread}) on a path whose jitter needs the depth that took: then the
     * buffer re-primes, one concealed gap where the sender's audio is missing anyway, and is back at its
     * depth. Left short, it conceals every packet the jitter delays beyond what is left, and a client whose
     * JACK server drops a cycle every second or two (2.7 ms each, faster than resampling makes it up) keeps
     * it short: 129 gaps for 52 such losses on a path with 20 ms of jitter, 30 with this (StreamInputTest).
     * On a calm path (a spread of {@value #JITTERY_PACKETS} packets or less) the depth left is enough, and
     * the resampler makes the time up with no gap. Adaptive depth only: a fixed depth is what the operator
     * chose, and this hub's own receive lag under a flood of datagrams reads as a loss of time too.
     */
    private boolean lostTimeOnAJitteryPath(int goal) {
        if (!target.adaptive() || buffer.arrivalSpreadSeconds() * clientRate <= JITTERY_PACKETS * buffer.framesPerPacket()
                || !buffer.realign(-goal)) {
            return false;
        }
        forgetDepth();
        meanShort = false;
        return true;
    }

    /** The depth's means start afresh: what they held says nothing about the depth from now on. */
    private void forgetDepth() {
        smoothedDepth = Double.NaN;
        recentDepth = Double.NaN;
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
        long losses = buffer.stats().senderTimeLosses();
        boolean timeLost = losses != timeLossesSeen;
        timeLossesSeen = losses;
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
            periodsShort = 0;
            meanShort = false;
            watchingDry = false;
            periodsPlaying = 0;
            offsetSum = 0;
            settled = false;
            return;
        }
        if (leftShort(goal)) {
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
        if (timeLost && lostTimeOnAJitteryPath(goal)) {
            return;
        }
        if (senderLostTime(goal)) {
            return;
        }
        smoothedDepth = Double.isNaN(smoothedDepth) ? depth : smoothedDepth + smoothing * (depth - smoothedDepth);
        recentDepth = Double.isNaN(recentDepth) ? depth : recentDepth + recentSmoothing * (depth - recentDepth);
        double off = smoothedDepth - setpoint;
        if (limping(recentDepth - setpoint)) {
            return;
        }
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
