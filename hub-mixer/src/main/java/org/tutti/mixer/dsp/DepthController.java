package org.tutti.mixer.dsp;

/**
 * Holds a jitter buffer's depth at its target by nudging the resampling ratio: a PI controller on the
 * smoothed depth error. Depth is the ground truth of drift (whatever the {@link DriftEstimator} gets
 * wrong, and the hub's own clock against {@code nanoTime} under JACK, shows up as a slowly moving
 * depth), and acting on the rate instead of dropping or repeating frames means no clicks.
 *
 * <p>Loop: with {@code e} the depth error in seconds and {@code u} the correction, {@code de/dt = δ − u}
 * where δ is the drift not yet corrected, and {@code u = Kp·e + Ki·∫e}. With {@code Kp = 2ζω},
 * {@code Ki = ω²} the loop is a second-order system of natural frequency ω and damping ζ (default
 * 0.02 Hz, ζ = 1: no ringing, a 200 ppm drift step moves the depth by under 0.6 ms before it is
 * absorbed, while jitter reaches the ratio only as slow wander of a few hundred ppm at most, a fraction
 * of a cent). The depth is first smoothed (default 1 s time constant, far faster than the loop) because a
 * period-by-period depth saws up and down by a packet and by the network jitter. The correction is
 * clamped to ±1000 ppm (default) with anti-windup, and a change of target is followed as a ramp no
 * faster than half that rate, so the adaptive target of the jitter buffer moves the depth smoothly.
 *
 * <p>Audio thread, once per period: O(1), no allocation, no locks.
 */
public final class DepthController {
    public static final double DEFAULT_BANDWIDTH_HZ = 0.02;
    public static final double DEFAULT_DAMPING = 1.0;
    public static final double DEFAULT_SMOOTHING_SECONDS = 1.0;
    public static final double DEFAULT_MAX_PPM = 1000;

    private final double inputRate;
    private final double dt;
    private final double kp;
    private final double ki;
    private final double alpha;
    private final double maxCorrection;
    private final double slewFrames;

    private boolean started;
    private double smoothed;
    private double target;
    private double integral;
    private double correction;

    /** A controller with the defaults, updated once per period of {@code periodFrames} at {@code outputRate}. */
    public DepthController(double inputRate, double outputRate, int periodFrames) {
        this(inputRate, outputRate / periodFrames, DEFAULT_BANDWIDTH_HZ, DEFAULT_DAMPING, DEFAULT_SMOOTHING_SECONDS,
                DEFAULT_MAX_PPM);
    }

    /**
     * @param inputRate        nominal frames per second of the buffered stream (depth is in its frames)
     * @param updatesPerSecond how often {@link #update} is called (the hub's periods per second)
     * @param bandwidthHz      the loop's natural frequency
     * @param damping          ζ of the loop (1 = critically damped)
     * @param smoothingSeconds time constant of the depth smoothing
     * @param maxPpm           bound on the correction
     */
    public DepthController(double inputRate, double updatesPerSecond, double bandwidthHz, double damping,
                           double smoothingSeconds, double maxPpm) {
        if (!(inputRate > 0) || !(updatesPerSecond > 0) || !(bandwidthHz > 0) || !(damping > 0)
                || !(smoothingSeconds >= 0) || !(maxPpm > 0)) {
            throw new IllegalArgumentException("bad depth controller shape");
        }
        double omega = 2 * Math.PI * bandwidthHz;
        this.inputRate = inputRate;
        this.dt = 1.0 / updatesPerSecond;
        this.kp = 2 * damping * omega;
        this.ki = omega * omega;
        this.alpha = dt / (smoothingSeconds + dt);
        this.maxCorrection = maxPpm * 1e-6;
        this.slewFrames = 0.5 * maxCorrection * inputRate * dt;
        reset();
    }

    /** Starts over: no correction, the next depth seeds the smoothing and the target. */
    public void reset() {
        started = false;
        integral = 0;
        correction = 0;
    }

    /**
     * One period's measurement.
     *
     * @param depthFrames  frames buffered now (jitter buffer plus the resampler's {@link AdaptiveResampler#buffered()})
     * @param targetFrames the depth to hold
     * @return the correction factor (1 + u): multiply the input consumption rate by it, i.e. divide
     *     the resampling ratio by it ({@link #resampleRatio})
     */
    public double update(double depthFrames, double targetFrames) {
        if (!started) {
            started = true;
            smoothed = depthFrames;
            target = targetFrames;
        }
        smoothed += alpha * (depthFrames - smoothed);
        // Follow target changes as a ramp: the P term never jumps, so neither does the rate.
        target += Math.max(-slewFrames, Math.min(slewFrames, targetFrames - target));
        double e = (smoothed - target) / inputRate;
        double next = integral + ki * e * dt;
        double u = kp * e + next;
        if (u > maxCorrection) {
            u = maxCorrection;
            if (next < integral) {
                integral = next; // anti-windup: integrate only towards the unclamped region
            }
        } else if (u < -maxCorrection) {
            u = -maxCorrection;
            if (next > integral) {
                integral = next;
            }
        } else {
            integral = next;
        }
        correction = u;
        return 1.0 + u;
    }

    /** The current factor (1 + u). */
    public double correction() {
        return 1.0 + correction;
    }

    /** The current correction in ppm. */
    public double ppm() {
        return correction * 1e6;
    }

    /** The smoothed depth the controller acts on, in frames. */
    public double smoothedDepth() {
        return smoothed;
    }

    /** The (ramped) target the controller currently holds, in frames. */
    public double currentTarget() {
        return target;
    }

    /**
     * The ratio to give {@link AdaptiveResampler#setRatio}: the nominal output/input rate ratio,
     * divided by the sender's clock ratio (from {@link DriftEstimator#ratio()}) and by the correction.
     */
    public static double resampleRatio(double nominalRatio, double senderRatio, double correction) {
        return nominalRatio / (senderRatio * correction);
    }
}
