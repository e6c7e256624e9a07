package org.tutti.benchmarks;

import org.tutti.mixer.plan.MixPlan;

/**
 * Prints {@link MixPlan#costPerFrame()} (multiply-adds per frame) and the bus count for every
 * {@link MixingBenchmark} case: {@code java -cp hub-benchmarks/target/benchmarks.jar org.tutti.benchmarks.PlanCosts}.
 */
public final class PlanCosts {
    private PlanCosts() {
    }

    public static void main(String[] args) {
        int[] sizes = {8, 32, 128, 256, 512};
        System.out.printf("%6s %-12s %14s %6s %14s%n", "n", "scenario", "costPerFrame", "buses", "MACs/period");
        for (int n : sizes) {
            for (MixingScenario scenario : MixingScenario.values()) {
                MixPlan plan = scenario.plan(n, 42);
                long cost = plan.costPerFrame();
                System.out.printf("%6d %-12s %14d %6d %14d%n", n, scenario, cost, plan.busCount(),
                        cost * MixingScenario.FRAMES);
            }
        }
    }
}
