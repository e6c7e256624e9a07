package org.tutti.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.tutti.mixer.Mixer;
import org.tutti.mixer.plan.MixPlan;

/**
 * One audio period of {@link Mixer#process} at 48 kHz / 128 frames (2.667 ms), stereo in and out,
 * for {@code n} participants who are each a source and a listener. The result is the average time
 * per period: the engine's budget for everything (decode, mix, encode) is the period itself.
 *
 * <p>Run by hand: {@code java -jar hub-benchmarks/target/benchmarks.jar MixingBenchmark}; the plan
 * sizes (multiply-adds per frame) are printed by {@link PlanCosts}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MixingBenchmark {
    @Param({"8", "32", "128", "256", "512"})
    public int n;

    @Param({"shared", "personal10", "naive"})
    public String scenario;

    private MixPlan plan;
    private Mixer mixer;
    private float[][][] sources;
    private float[][][] outputs;

    @Setup(Level.Trial)
    public void setUp() {
        plan = MixingScenario.valueOf(scenario).plan(n, 42);
        sources = MixingScenario.noise(n, 7);
        outputs = new float[n][MixingScenario.CHANNELS][MixingScenario.FRAMES];
        mixer = new Mixer(n, MixingScenario.CHANNELS, MixingScenario.FRAMES, MixingScenario.SAMPLE_RATE);
        // Past the fade-in of every listener: measure the steady state.
        mixer.process(plan, sources, outputs, MixingScenario.FRAMES);
        mixer.process(plan, sources, outputs, MixingScenario.FRAMES);
    }

    @Benchmark
    public float period() {
        mixer.process(plan, sources, outputs, MixingScenario.FRAMES);
        return outputs[n - 1][1][MixingScenario.FRAMES - 1];
    }
}
