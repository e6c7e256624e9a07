package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The audio path never allocates: after warm-up, concealment (every strategy, every kind of outage),
 * resampling (converting, drifting, passing through), drift estimation and depth control allocate
 * nothing on the calling thread.
 */
class DspAllocationTest {
    private static final int RATE = 48_000;
    private static final int BLOCK = 128;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void concealmentAllocatesNothing() {
        ConcealmentWorkspace shared = new ConcealmentWorkspace(BurgConcealer.defaultHistory(RATE));
        shared.fitsPerPeriod(3);
        Concealer[] concealers = {
            new BurgConcealer(2, BurgConcealer.defaultHistory(RATE), RATE),
            new BurgConcealer(2, BurgConcealer.defaultHistory(RATE), RATE, 32, 30, 2.5, false, null),
            new BurgConcealer(2, BurgConcealer.defaultHistory(RATE), RATE, 16, 10, 2, true, shared),
            new BurgConcealer(2, BurgConcealer.defaultHistory(RATE), RATE, 16, 10, 2, true, shared),
            new FadeRepeatConcealer(2, BLOCK),
            new SilenceConcealer(),
        };
        float[][] block = new float[2][BLOCK];
        Runnable work = () -> {
            for (int round = 0; round < 200; round++) {
                shared.newPeriod();
                for (Concealer concealer : concealers) {
                    conceal(concealer, block, round);
                }
            }
        };
        assertNoAllocation(work, "concealment");
    }

    /** Real blocks, then an outage of 1 to 20 packets (beyond 30 ms too), in pieces, then a resume. */
    private static void conceal(Concealer concealer, float[][] block, int round) {
        for (int k = 0; k < 6; k++) {
            fill(block, round * 1000 + k * BLOCK);
            concealer.observe(block, 0, 2, BLOCK);
        }
        int lost = 1 + round % 20;
        for (int k = 0; k < lost; k++) {
            concealer.conceal(block, 0, 2, 64);
            concealer.conceal(block, 64, 2, 64);
        }
        fill(block, round * 1000 + 7 * BLOCK);
        concealer.resume(block, 0, 2, BLOCK);
        concealer.observe(block, 0, 2, BLOCK);
        if (round % 50 == 0) {
            concealer.resume(block, 0, 2, BLOCK); // a skip ahead without concealment
            concealer.reset();
        }
    }

    @Test
    void resamplingAllocatesNothing() {
        AdaptiveResampler[] resamplers = {
            new AdaptiveResampler(2, 2048, 48_000 / 44_100.0),
            new AdaptiveResampler(2, 2048, 44_100 / 48_000.0),
            new AdaptiveResampler(2, 2048, 1.0, ResamplerKernel.forDrift()),
            new AdaptiveResampler(2, 2048, 1.0, ResamplerKernel.forDrift()),
        };
        float[][] packet = new float[2][441];
        float[][] out = new float[2][BLOCK];
        fill(packet, 0);
        int[] sizes = {64, 128, 256, 441};
        Runnable work = () -> {
            for (int period = 0; period < 5000; period++) {
                for (int i = 0; i < resamplers.length; i++) {
                    AdaptiveResampler r = resamplers[i];
                    if (i != 3) { // the last one stays at 1.0: the pass-through path
                        r.setRatio(r.ratio() * (1 + 1e-6 * ((period % 7) - 3)));
                    }
                    int k = 0;
                    while (r.available() < r.needed(BLOCK)) {
                        r.push(packet, 0, sizes[(period + k++) & 3]);
                    }
                    r.pull(out, 0, BLOCK);
                }
            }
        };
        assertNoAllocation(work, "resampling");
    }

    @Test
    void driftEstimationAndDepthControlAllocateNothing() {
        DriftEstimator estimator = new DriftEstimator(RATE);
        DepthController controller = new DepthController(RATE, RATE, BLOCK);
        long[] packet = {0};
        Runnable work = () -> {
            // 4 simulated seconds per run: every packet updates, every second closes a bucket and refits.
            for (int k = 0; k < 1500; k++) {
                long index = packet[0]++;
                long arrival = 1_000_000_000L + (long) (index * BLOCK * 1e9 / (RATE * 1.0002)) + (index % 5) * 300_000L;
                estimator.update(arrival, index * BLOCK);
                double ratio = DepthController.resampleRatio(1.0, estimator.ratio(), controller.update(600 + (k % 9), 600));
                assertTrue(ratio > 0);
            }
        };
        assertNoAllocation(work, "drift estimation and depth control");
        assertTrue(estimator.bucketsUsed() > 10, "the refits ran during the measurement");
    }

    private void assertNoAllocation(Runnable work, String what) {
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        for (int i = 0; i < 15; i++) {
            work.run(); // warm-up: let the JIT settle
        }
        long calibration = threads.getCurrentThreadAllocatedBytes();
        long overhead = threads.getCurrentThreadAllocatedBytes() - calibration;
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        work.run();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before - overhead;
        assertEquals(0, allocated, "bytes allocated by " + what);
    }

    private static void fill(float[][] block, int phase) {
        for (int n = 0; n < block[0].length; n++) {
            block[0][n] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * (n + phase) / RATE));
            block[1][n] = (float) (0.3 * Math.sin(2 * Math.PI * 196 * (n + phase) / RATE) + 0.1 * Math.sin(0.3 * (n + phase)));
        }
    }
}
