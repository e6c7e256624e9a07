package org.tutti.benchmarks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.tutti.mixer.dsp.AdaptiveResampler;
import org.tutti.mixer.dsp.ResamplerKernel;
import org.tutti.mixer.dsp.BurgConcealer;
import org.tutti.mixer.dsp.LevelMeters;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;
import org.tutti.server.jitter.JitterBuffer;

/**
 * What one client costs the engine per period, stage by stage, at 48 kHz / 128 frames, stereo 16-bit
 * (a JackTrip client's defaults), on a clean stream: each benchmark is one client's share of one
 * period. Mixing is {@link MixingBenchmark} (per period for n clients; divide by n). Together they say
 * where a period's time goes before a profile of the running hub does, and which stage a cut is worth.
 *
 * <ul>
 *   <li>{@link #jitterOfferAndRead}: the network thread's store of a packet (16-bit decode) and the
 *       engine's read of a period from the jitter buffer, which includes the concealer's copy of it
 *       into its history;
 *   <li>{@link #concealerObserve}: that copy alone (the history a loss would be predicted from);
 *   <li>{@link #driftResampling}: a period through the drift-correcting resampler (every real client
 *       whose clock is off from the hub's: 100 ppm here);
 *   <li>{@link #meters}: peak and RMS of a period, as done for each source and each listener's mix;
 *   <li>{@link #encode16}: a period of the client's mix into a 16-bit packet.
 * </ul>
 *
 * <p>Run by hand: {@code java -jar hub-benchmarks/target/benchmarks.jar EngineStagesBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineStagesBenchmark {
    private static final int RATE = 48000;
    private static final int FRAMES = 128;
    private static final int CHANNELS = 2;

    private float[][] period;
    private float[][] out;
    private ByteBuffer packet;
    private JitterBuffer jitter;
    private int sequence;
    private long arrivalNanos;
    private BurgConcealer concealer;
    private AdaptiveResampler resampler;
    private LevelMeters levelMeters;

    @Setup
    public void setUp() {
        period = MixingScenario.noise(1, 3)[0];
        out = new float[CHANNELS][FRAMES];
        packet = ByteBuffer.allocate(PacketLayout.packetSize(FRAMES, CHANNELS, 2)).order(ByteOrder.LITTLE_ENDIAN);
        PayloadCodec.encode(period, 0, CHANNELS, FRAMES, BitResolution.BIT16, packet, 0);
        jitter = new JitterBuffer(CHANNELS, FRAMES, RATE, 64, 4 * FRAMES,
                new BurgConcealer(CHANNELS, BurgConcealer.DEFAULT_HISTORY_48K, RATE));
        for (int i = 0; i < 8; i++) { // primed, at its target depth
            jitterOfferAndRead();
        }
        concealer = new BurgConcealer(CHANNELS, BurgConcealer.DEFAULT_HISTORY_48K, RATE);
        resampler = new AdaptiveResampler(CHANNELS, 4 * FRAMES, 1.0001, ResamplerKernel.forDrift());
        levelMeters = new LevelMeters(1, RATE, FRAMES);
    }

    @Benchmark
    public float jitterOfferAndRead() {
        arrivalNanos += 2_666_667;
        jitter.offer(sequence++ & 0xFFFF, packet, 0, BitResolution.BIT16, CHANNELS, arrivalNanos, false);
        jitter.read(out, FRAMES);
        return out[1][FRAMES - 1];
    }

    @Benchmark
    public void concealerObserve() {
        concealer.observe(period, 0, CHANNELS, FRAMES);
    }

    @Benchmark
    public float driftResampling() {
        if (resampler.space() >= FRAMES) {
            resampler.push(period, 0, FRAMES);
        }
        resampler.pull(out, 0, FRAMES);
        return out[0][0];
    }

    @Benchmark
    public float meters() {
        levelMeters.measure(0, period, CHANNELS, FRAMES);
        return levelMeters.peak(0);
    }

    @Benchmark
    public ByteBuffer encode16() {
        PayloadCodec.encode(period, 0, CHANNELS, FRAMES, BitResolution.BIT16, packet, 0);
        return packet;
    }
}
