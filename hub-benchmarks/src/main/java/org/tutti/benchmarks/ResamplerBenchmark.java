package org.tutti.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.tutti.mixer.dsp.AdaptiveResampler;
import org.tutti.mixer.dsp.ResamplerKernel;

/**
 * One period (48 kHz, 128 frames, stereo) through {@link AdaptiveResampler}, push and pull, by how
 * far the client's clock is off: what each drifting client costs the engine. Only the public API is
 * used, so the same source measures any version of the resampler.
 *
 * <ul>
 *   <li>{@link #drift}: the drift kernel (24 taps) at 48 kHz × (1 + ppm·10⁻⁶); {@code ppm = 0} is the
 *       bit-exact pass-through, {@code hold} is ratio 1.0 with a fractional phase left by earlier drift
 *       (filtered, no longer drifting);
 *   <li>{@link #conversion}: 44.1 → 48 kHz with {@link ResamplerKernel#forRatio} (32 taps) and
 *       100 ppm of drift on top.
 * </ul>
 *
 * <p>Run by hand: {@code java -jar hub-benchmarks/target/benchmarks.jar ResamplerBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResamplerBenchmark {
    private static final int FRAMES = 128;

    /** A stream into a resampler at a fixed ratio, and a period's buffer to pull into. */
    abstract static class Stream {
        AdaptiveResampler resampler;
        float[][] input;
        float[][] out;

        void open(double ratio, ResamplerKernel kernel) {
            input = MixingScenario.noise(1, 5)[0];
            out = new float[2][FRAMES];
            resampler = new AdaptiveResampler(2, 8 * FRAMES, ratio, kernel);
            for (int i = 0; i < 100; i++) { // past the start, at a steady depth
                period();
            }
        }

        float period() {
            while (resampler.available() < resampler.needed(FRAMES)) {
                resampler.push(input, 0, FRAMES);
            }
            resampler.pull(out, 0, FRAMES);
            return out[0][0];
        }
    }

    @State(Scope.Thread)
    public static class Drift extends Stream {
        @Param({"0", "hold", "1", "20", "100", "300", "1000"})
        public String ppm;

        @Setup
        public void setUp() {
            ResamplerKernel kernel = ResamplerKernel.forDrift();
            if (ppm.equals("hold")) {
                open(1.0001, kernel);
                for (int i = 0; i < 37; i++) {
                    period(); // leaves a fractional phase behind
                }
                resampler.setRatio(1.0);
            } else {
                open(1 + Double.parseDouble(ppm) * 1e-6, kernel);
            }
        }
    }

    @State(Scope.Thread)
    public static class Conversion extends Stream {
        @Setup
        public void setUp() {
            double ratio = 48_000 / 44_100.0;
            open(ratio * (1 + 100e-6), ResamplerKernel.forRatio(ratio));
        }
    }

    @Benchmark
    public float drift(Drift stream) {
        return stream.period();
    }

    @Benchmark
    public float conversion(Conversion stream) {
        return stream.period();
    }
}
