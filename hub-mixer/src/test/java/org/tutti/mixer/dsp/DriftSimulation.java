package org.tutti.mixer.dsp;

import java.util.Arrays;

/**
 * A client streaming into the hub for minutes, end to end at the sample level: the client's clock
 * runs {@code ppm} off its nominal rate and it sends a 997 Hz sine in packets; the network delays
 * (Gaussian jitter) and loses packets; a jitter-buffer model with the hub's rules (start at the target,
 * a missing packet with newer ones behind it is lost, an empty buffer is an underrun, more than target +
 * slack is an overrun and is trimmed back to the target) feeds an {@link AdaptiveResampler} that the hub pulls 128 frames
 * from every period of its own (exact) clock. The {@link DriftEstimator} sees every arrival, the
 * {@link DepthController} the depth every period.
 *
 * <p>Evidence is counted two ways: the jitter buffer's own underruns and overruns, and glitches in the
 * output audio (a sine's second difference is bounded; a dropped or inserted stretch breaks the bound).
 * Lost packets are fed as the true audio (perfect concealment) so that only clock trouble can glitch.
 */
final class DriftSimulation {
    static final int HUB_RATE = 48_000;
    static final int PERIOD = 128;
    static final double TONE = 997;
    static final double AMPLITUDE = 0.5;

    /** What happened. */
    static final class Result {
        int underruns;
        int overruns;
        int glitchPeriods;
        long periods;
        double minSmoothedDepth = Double.POSITIVE_INFINITY;
        double maxSmoothedDepth = Double.NEGATIVE_INFINITY;
        double minDepth = Double.POSITIVE_INFINITY;
        double maxDepth = Double.NEGATIVE_INFINITY;
        double targetFrames;
        double estimatorPpm;
        double controllerPpm;
        double maxCorrectionPpm;
        double firstPublishedSeconds = Double.NaN;
        int lost;

        @Override
        public String toString() {
            return String.format("underruns %d, overruns %d, glitching periods %d of %d; depth smoothed %.0f..%.0f"
                            + " (target %.0f), instantaneous %.0f..%.0f frames; estimator %+.2f ppm (published after %.0f s),"
                            + " controller %+.2f ppm at the end, at most %.0f ppm; %d packets lost",
                    underruns, overruns, glitchPeriods, periods, minSmoothedDepth, maxSmoothedDepth, targetFrames, minDepth,
                    maxDepth, estimatorPpm, firstPublishedSeconds, controllerPpm, maxCorrectionPpm, lost);
        }
    }

    private DriftSimulation() {
    }

    /**
     * @param clientRate    the client's nominal sample rate
     * @param frames        frames per client packet
     * @param ppm           the client's clock offset
     * @param seconds       how long to run
     * @param jitterSigma   Gaussian network jitter, seconds
     * @param loss          packet loss probability
     * @param targetPackets jitter-buffer target depth
     * @param slackPackets  jitter-buffer slack before an overrun trims
     * @param correct       false: a fixed nominal ratio, what a hub without drift compensation does
     * @param settleSeconds depth extremes are recorded from this time on
     */
    static Result run(int clientRate, int frames, double ppm, double seconds, double jitterSigma, double loss,
                      int targetPackets, int slackPackets, boolean correct, double settleSeconds, long seed) {
        SimulatedSender sender = new SimulatedSender(clientRate, frames, ppm, ppm, 1e9, seconds + 1,
                SimulatedSender.gaussian(jitterSigma), loss, 0, 0, seed);
        int packets = (int) ((seconds + 1) * clientRate / frames) + 1;
        long[] arrivalByIndex = new long[packets];
        Arrays.fill(arrivalByIndex, Long.MAX_VALUE);
        for (int i = 0; i < sender.count; i++) {
            arrivalByIndex[(int) sender.packetIndex[i]] = sender.arrivalNanos[i];
        }
        double nominalRatio = (double) HUB_RATE / clientRate;
        ResamplerKernel kernel = clientRate == HUB_RATE ? ResamplerKernel.forDrift()
                : ResamplerKernel.forRatio(nominalRatio);
        AdaptiveResampler resampler = new AdaptiveResampler(1, 8 * frames + 4 * PERIOD, nominalRatio, kernel);
        DriftEstimator estimator = new DriftEstimator(clientRate);
        DepthController controller = new DepthController(clientRate, HUB_RATE, PERIOD);
        Result result = new Result();
        result.lost = packets - sender.count;
        // Depth = jitter buffer + resampler input. Right after the start it is the target packets, less
        // half a period consumed on average, plus the look-ahead the resampler holds back: hold it there.
        double target = targetPackets * frames + resampler.lookahead() - PERIOD / nominalRatio / 2;
        result.targetFrames = target;

        float[][] packet = new float[1][frames];
        float[][] out = new float[1][PERIOD];
        double w = 2 * Math.PI * TONE / HUB_RATE;
        double bound = AMPLITUDE * w * w * 1.3 + 2e-4;
        float previous1 = 0;
        float previous2 = 0;
        boolean playing = false;
        int playingPeriods = 0;

        long start = sender.arrivalNanos[0];
        int next = 0;
        long highest = -1;
        long first = -1;
        long readIndex = 0;
        boolean started = false;
        long totalPeriods = (long) (seconds * HUB_RATE / PERIOD);
        for (long p = 0; p < totalPeriods; p++) {
            long now = start + Math.round(p * PERIOD * 1e9 / HUB_RATE);
            while (next < sender.count && sender.arrivalNanos[next] <= now) {
                long index = sender.packetIndex[next];
                estimator.update(sender.arrivalNanos[next], index * frames);
                if (first < 0) {
                    first = index;
                }
                highest = Math.max(highest, index);
                next++;
            }
            if (estimator.converged() && result.firstPublishedSeconds != result.firstPublishedSeconds) {
                result.firstPublishedSeconds = (now - start) / 1e9;
            }
            if (!started) {
                if (highest < 0 || highest - first + 1 < targetPackets) {
                    continue;
                }
                readIndex = highest + 1 - targetPackets;
                started = true;
            }
            // Overrun: more than target + slack buffered, the oldest are dropped.
            if ((highest + 1 - readIndex) > targetPackets + slackPackets) {
                result.overruns++;
                readIndex = highest + 1 - targetPackets;
            }
            while (resampler.available() < resampler.needed(PERIOD)) {
                if (readIndex < packets && arrivalByIndex[(int) readIndex] <= now) {
                    fill(packet[0], readIndex * frames, clientRate, ppm);
                    readIndex++;
                } else if (readIndex < highest) {
                    fill(packet[0], readIndex * frames, clientRate, ppm); // lost: perfectly concealed
                    readIndex++;
                } else {
                    Arrays.fill(packet[0], 0f); // underrun: concealed, the play position waits
                    result.underruns++;
                }
                resampler.push(packet, 0, frames);
            }
            resampler.pull(out, 0, PERIOD);
            for (int n = 0; n < PERIOD; n++) {
                float y = out[0][n];
                if (playing && playingPeriods > 4 && Math.abs(y - 2 * previous1 + previous2) > bound) {
                    result.glitchPeriods++;
                    // Count each period once.
                    previous2 = out[0][PERIOD - 2];
                    previous1 = out[0][PERIOD - 1];
                    break;
                }
                previous2 = previous1;
                previous1 = y;
            }
            playing = true;
            playingPeriods++;

            double depth = Math.max(0, highest + 1 - readIndex) * frames + resampler.buffered();
            double seconds0 = (now - start) / 1e9;
            double ratio = nominalRatio;
            if (correct) {
                double c = controller.update(depth, target);
                ratio = DepthController.resampleRatio(nominalRatio, estimator.ratio(), c);
                if (seconds0 >= settleSeconds) {
                    result.maxCorrectionPpm = Math.max(result.maxCorrectionPpm, Math.abs(controller.ppm()));
                }
            }
            resampler.setRatio(ratio);
            if (seconds0 >= settleSeconds) {
                if (correct) {
                    result.minSmoothedDepth = Math.min(result.minSmoothedDepth, controller.smoothedDepth());
                    result.maxSmoothedDepth = Math.max(result.maxSmoothedDepth, controller.smoothedDepth());
                }
                result.minDepth = Math.min(result.minDepth, depth);
                result.maxDepth = Math.max(result.maxDepth, depth);
            }
            result.periods++;
        }
        result.estimatorPpm = estimator.ppm();
        result.controllerPpm = controller.ppm();
        return result;
    }

    /** The client's audio: a sine on the client's own clock, from its frame {@code from} on. */
    private static void fill(float[] packet, long from, int clientRate, double ppm) {
        // The client's frame n plays at n / (clientRate·(1+ppm)) seconds of true time.
        double step = 2 * Math.PI * TONE / (clientRate * (1 + ppm * 1e-6));
        for (int n = 0; n < packet.length; n++) {
            double phase = ((from + n) * step) % (2 * Math.PI);
            packet[n] = (float) (AMPLITUDE * Math.sin(phase));
        }
    }
}
