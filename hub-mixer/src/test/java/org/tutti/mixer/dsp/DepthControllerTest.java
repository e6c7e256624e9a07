package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The depth controller moves the depth to its target by rate alone: smoothly, bounded, without ringing. */
class DepthControllerTest {
    private static final double RATE = 48_000;
    private static final double PERIODS_PER_SECOND = RATE / 128;

    /** A buffer drained at the hub's rate × correction, filled at the sender's rate × (1 + drift). */
    private static final class Plant {
        double depth;
        final double drift;

        Plant(double depth, double drift) {
            this.depth = depth;
            this.drift = drift;
        }

        void period(double correction) {
            depth += 128 * (1 + drift) - 128 * correction;
        }
    }

    @Test
    void aTargetStepIsFollowedAsARampWithoutRingingOrRateJumps() {
        DepthController controller = new DepthController(RATE, RATE, 128);
        Plant plant = new Plant(512, 0);
        double maxStep = 0;
        double maxOvershoot = 0;
        double previous = 0;
        int crossings = 0;
        int side = -1;
        for (int p = 0; p < 300 * PERIODS_PER_SECOND; p++) {
            double target = p < 10 * PERIODS_PER_SECOND ? 512 : 640; // the adaptive target grows by a packet
            plant.period(controller.update(plant.depth, target));
            double ppm = controller.ppm();
            maxStep = Math.max(maxStep, Math.abs(ppm - previous));
            previous = ppm;
            if (p > 10 * PERIODS_PER_SECOND) {
                double error = plant.depth - 640;
                maxOvershoot = Math.max(maxOvershoot, error);
                if (side < 0 && error > 1 || side > 0 && error < -1) {
                    crossings++;
                    side = -side;
                }
            }
        }
        System.out.printf("target +128 frames: largest rate change per period %.2f ppm, overshoot %.1f frames,"
                + " crossings %d, final %.2f%n", maxStep, maxOvershoot, crossings, plant.depth - 640);
        assertEquals(640, plant.depth, 2, "settled at the new target");
        assertTrue(maxStep < 5, "no rate jump: " + maxStep + " ppm in one period");
        // A PI loop's zero gives one overshoot (~15 % here, 0.4 ms); critically damped, it does not ring.
        assertTrue(maxOvershoot < 0.25 * 128, "overshoot " + maxOvershoot);
        assertTrue(crossings <= 1, "no oscillation: " + crossings + " crossings");
    }

    @Test
    void aDriftIsAbsorbedByTheIntegratorWithTheDepthBackAtTarget() {
        for (double ppm : new double[] {200, -200, 800}) {
            DepthController controller = new DepthController(RATE, RATE, 128);
            Plant plant = new Plant(512, ppm * 1e-6);
            double worst = 0;
            for (int p = 0; p < 600 * PERIODS_PER_SECOND; p++) {
                plant.period(controller.update(plant.depth, 512));
                worst = Math.max(worst, Math.abs(plant.depth - 512));
            }
            System.out.printf("%+.0f ppm with no estimate: worst depth error %.1f frames, correction %.2f ppm%n",
                    ppm, worst, controller.ppm());
            assertEquals(ppm, controller.ppm(), 0.5);
            assertEquals(512, plant.depth, 1);
            assertTrue(worst < 128 * Math.abs(ppm) / 200, "within a packet per 200 ppm: " + worst);
        }
    }

    @Test
    void theCorrectionIsClampedAndRecoversWithoutWindUp() {
        DepthController controller = new DepthController(RATE, PERIODS_PER_SECOND, 0.02, 1, 1, 1000);
        Plant plant = new Plant(5000, 0);
        double max = 0;
        for (int p = 0; p < 20 * PERIODS_PER_SECOND; p++) {
            plant.period(controller.update(plant.depth, 512));
            max = Math.max(max, Math.abs(controller.ppm()));
        }
        assertEquals(1000, max, 1e-9, "clamped at 1000 ppm");
        double undershoot = 0;
        for (int p = 0; p < 600 * PERIODS_PER_SECOND; p++) {
            plant.period(controller.update(plant.depth, 512));
            undershoot = Math.max(undershoot, 512 - plant.depth);
        }
        System.out.printf("4488 frames too deep: clamped at 1000 ppm, undershoot after %.1f frames%n", undershoot);
        assertTrue(undershoot < 128, "no wind-up: " + undershoot);
        assertEquals(512, plant.depth, 1);
    }

    @Test
    void resetStartsFromTheNextMeasurement() {
        DepthController controller = new DepthController(RATE, RATE, 128);
        for (int p = 0; p < 1000; p++) {
            controller.update(900, 512);
        }
        assertTrue(controller.ppm() > 0);
        controller.reset();
        assertEquals(1.0, controller.correction());
        assertEquals(1.0, controller.update(512, 512), 1e-12);
    }

    @Test
    void theResamplingRatioDividesOutTheSenderAndTheCorrection() {
        assertEquals(48_000 / 44_100.0 / (1.0002 * 0.9999), DepthController.resampleRatio(48_000 / 44_100.0, 1.0002, 0.9999), 1e-15);
    }
}
