package org.tutti.server.jitter;

/**
 * When a participant's jitter buffer, short of its depth, re-primes at once (one concealed gap, then its
 * target depth again) instead of playing on short until a realignment 5 s later or until resampling (at
 * most 1000 ppm) has made the time up. A buffer ends up short when its sender loses time: its machine
 * stalls, or its JACK server drops cycles, and its packets come later for good, with no burst to refill
 * it. A network stall's burst does refill it; these rules are built to tell the two apart. Part of
 * {@link StreamInput}, on the audio thread; no allocation.
 */
final class ShortfallWatch {
    /** Late packets that make the sender count as flowing again while the buffer is still dry. */
    static final int LATE_WHILE_DRY = 4;
    /** Dry spells, each within a second of the one before, that make a buffer still short count as starving. */
    static final int DRY_SPELLS = 3;
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
    /** Packets or periods concealed, while the mean depth sits short of the target, that make it re-prime. */
    static final int CONCEALED_WHILE_SHORT = 3;
    /** Time constant of the recent mean depth: long enough to average jitter of tens of ms out. */
    static final double RECENT_SECONDS = 0.25;
    /** An arrival spread beyond this many packets makes a path jittery (see {@link #lostTimeOnAJitteryPath}). */
    static final int JITTERY_PACKETS = 2;

    private final JitterBuffer buffer;
    private final DepthTarget target;
    private final int clientRate;
    /** How far the depth may sit from its setpoint before anything is done about it. */
    private final double offTargetFrames;
    private final long secondPeriods;
    private final long shortPeriods;
    private final double recentSmoothing;
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
    /** Consecutive periods, dry ones not counted, the buffer has been short by more than half its target. */
    private long periodsShort;
    /** The mean depth over about the last quarter second: a sender's loss shows in it within that. */
    private double recentDepth = Double.NaN;
    /** Whether the recent mean depth is short of the target by more than {@link #offTargetFrames}. */
    private boolean meanShort;
    /** The buffer's count of packets and periods concealed when the mean depth got short. */
    private long concealedWhenShort;
    /** The sender's time losses its arrivals had shown (see {@link ArrivalSpread}) at the last period. */
    private long timeLossesSeen;
    private boolean timeLost;

    ShortfallWatch(JitterBuffer buffer, DepthTarget target, int clientRate, int hubRate, int hubPeriod,
                   double offTargetFrames) {
        this.buffer = buffer;
        this.target = target;
        this.clientRate = clientRate;
        this.offTargetFrames = offTargetFrames;
        this.secondPeriods = hubRate / hubPeriod;
        this.shortPeriods = Math.max(1, Math.round(SHORT_SECONDS * hubRate / hubPeriod));
        this.recentSmoothing = 1 - Math.exp(-(double) hubPeriod / (RECENT_SECONDS * hubRate));
    }

    /** Each period, before the buffer is read: takes note of a time loss its arrivals showed since the last. */
    void beforeRead() {
        long losses = buffer.stats().senderTimeLosses();
        timeLost = losses != timeLossesSeen;
        timeLossesSeen = losses;
    }

    /** A period in which the buffer did not play (it primes, or re-primes): nothing to judge. */
    void notPlaying() {
        periodsShort = 0;
        meanShort = false;
        watchingDry = false;
    }

    /** What the recent mean depth held says nothing about the depth from now on. */
    void forgetDepth() {
        recentDepth = Double.NaN;
    }

    /**
     * After the start-up, each period: whether the buffer re-primed because its sender lost time, judged
     * by its arrivals, by its running dry or by its recent mean depth (measured as {@code depth}, held at
     * {@code setpoint}).
     */
    boolean reprimedAfterStartUp(int goal, double depth, double setpoint) {
        if (timeLost && lostTimeOnAJitteryPath(goal, setpoint)) {
            return true;
        }
        if (senderLostTime(goal)) {
            return true;
        }
        recentDepth = Double.isNaN(recentDepth) ? depth : recentDepth + recentSmoothing * (depth - recentDepth);
        return limping(recentDepth - setpoint);
    }

    /**
     * Whether the sender lost time in a stall of its own (its machine stalled, its audio with it), so
     * that its packets, when they come again, come late for good and no burst refills the buffer: then
     * the buffer re-primes at once, one concealed gap, and plays on at its target depth. Three signs, each
     * impossible after a stall of the network, whose burst brings the held packets and the current
     * ones together: the buffer dry in {@value #TRICKLING_PERIODS} periods in a row, a gap of its own each
     * time (450 gaps in two seconds in a simulation before this), still dry after {@value #LATE_WHILE_DRY}
     * late packets came meanwhile
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
                starving = drySpells >= DRY_SPELLS && fullestSinceDry < goal - offTargetFrames;
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
            return true;
        }
        return false;
    }

    /**
     * Each period the buffer plays, start-up included: whether it re-primed because the sender lost a
     * little less time than the buffer holds: it never runs dry, but plays on with almost no depth left, so the next late packet runs it dry. Short of its target by more than
     * half (and by more than a packet and a half) for {@value #SHORT_SECONDS} s of periods in which it
     * did not run dry (no network stall keeps it that short for so long: its burst refills it), the
     * buffer re-primes, one concealed gap, rather than wait for the realignment of a lasting offset 5 s
     * later. Judged from the first period the buffer plays, start-up included: a client's JACK server
     * that loses cycles (its xruns) loses time then too, and a buffer left short at the end of the
     * start-up re-primed long after the loss (seen on a VM whose dummy JACK server reports an xrun
     * every few hundred milliseconds).
     */
    boolean leftShort(int goal) {
        int depth = buffer.depthFrames();
        if (depth > 0) { // a dry buffer is judged by senderLostTime
            periodsShort = depth < goal - Math.max(goal / 2.0, offTargetFrames) ? periodsShort + 1 : 0;
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
     * counted) short of the target by more than a packet and a half, and {@value #CONCEALED_WHILE_SHORT}
     * packets or periods concealed since it got there (missing at their turn, or the buffer dry: a lost
     * packet does not make the mean depth short, so this is not loss). Counting only packets that came
     * after their turn missed a trace's 13 ms loss under 10 ms of jitter: the jitter had brought the later
     * packets first, so the missing ones counted as lost, 25 gaps in a third of a second before the loss
     * was found. The sender lost part of the depth for good (its JACK server dropped a few milliseconds of cycles,
     * or the path got longer) on a path whose jitter needs all of it, so every packet the jitter delays
     * beyond what is left is concealed. Then it re-primes, one gap, rather than conceal packet after
     * packet until a realignment 5 s later or until resampling (at most 1000 ppm, held back to 0.02 Hz)
     * has made the time up. A buffer short of its depth that conceals nothing (a calm path) is left to
     * the resampler.
     */
    private boolean limping(double off) {
        JitterStats stats = buffer.stats();
        long concealed = stats.lost() + stats.underruns();
        if (off >= -offTargetFrames) {
            meanShort = false;
            return false;
        }
        if (!meanShort) {
            meanShort = true;
            concealedWhenShort = concealed;
            return false;
        }
        if (concealed - concealedWhenShort >= CONCEALED_WHILE_SHORT && buffer.realign(off)) {
            meanShort = false;
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
     * the resampler makes the time up with no gap. Only while the buffer's recent mean depth is short of its
     * setpoint by half a packet or more: losses in a row are found one by one, half a second apart, and a
     * buffer that has re-primed since, or was deep enough, needs nothing (a trace had four such re-primes,
     * two of them with the buffer at its target or deeper, each a gap). Adaptive depth only: a fixed depth
     * is what the operator chose, and this hub's own receive lag under a flood of datagrams reads as a
     * loss of time too.
     */
    private boolean lostTimeOnAJitteryPath(int goal, double setpoint) {
        if (!target.adaptive() || buffer.arrivalSpreadSeconds() * clientRate <= JITTERY_PACKETS * buffer.framesPerPacket()
                || Double.isNaN(recentDepth) || recentDepth > setpoint - buffer.framesPerPacket() / 2.0
                || !buffer.realign(-goal)) {
            return false;
        }
        meanShort = false;
        return true;
    }
}
