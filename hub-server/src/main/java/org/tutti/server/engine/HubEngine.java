package org.tutti.server.engine;

import org.tutti.mixer.Mixer;
import org.tutti.mixer.dsp.LevelMeters;

/**
 * The hub's mixing core, driven by any {@link AudioServer}. Each period: one block from every
 * participant's jitter buffer, the mixer, one packet to every participant in its own format.
 *
 * <p>The control plane changes what happens by publishing a new {@link EngineSnapshot}; the engine
 * picks it up at the next period boundary and reports the generation it applied, so the control
 * plane knows when a removed participant's buffers are no longer in use. No locks, no allocation.
 */
public final class HubEngine implements AudioClient {
    private final SlotLayout layout;
    private final Mixer mixer;
    private final LevelMeters sourceMeters;
    private final Outbox outbox;
    private volatile EngineSnapshot snapshot;
    private volatile PortBridge bridge = PortBridge.NONE;
    private volatile Runnable periodStart = () -> { };
    private volatile Runnable wake = () -> { };
    private volatile long appliedGeneration;
    private volatile boolean running;
    private long period;
    private long wallMicrosAtStart;
    private long nanosAtStart;

    public HubEngine(SlotLayout layout, int maxChannels, AudioFormat format, Outbox outbox) {
        this.layout = layout;
        this.mixer = new Mixer(layout.size(), maxChannels, format.periodFrames(), format.sampleRate());
        this.sourceMeters = new LevelMeters(layout.size(), format.sampleRate(), format.periodFrames());
        this.outbox = outbox;
        this.snapshot = EngineSnapshot.empty(layout.size());
    }

    /** Connects per-participant ports of the audio server (JACK); {@link PortBridge#NONE} to detach. */
    public void bridge(PortBridge ports) {
        this.bridge = ports;
    }

    /** Runs at the start of every period on the audio thread (e.g. the concealers' fit budget). */
    public void onPeriodStart(Runnable task) {
        this.periodStart = task;
    }

    /** Replaces what the next period processes (control plane), waking a server that slept while idle. */
    public void publish(EngineSnapshot next) {
        snapshot = next;
        wake.run();
    }

    public EngineSnapshot snapshot() {
        return snapshot;
    }

    /** The newest snapshot generation a period has started with. */
    public long appliedGeneration() {
        return appliedGeneration;
    }

    /** Whether an audio server is currently calling {@link #process}. */
    public boolean running() {
        return running;
    }

    public LevelMeters sourceMeters() {
        return sourceMeters;
    }

    public LevelMeters mixMeters() {
        return mixer.outputMeters();
    }

    public SlotLayout layout() {
        return layout;
    }

    /**
     * Nobody to mix for and nothing copying audio out, in the snapshot the last period applied: until
     * the next {@link #publish} every period would read nothing and send nothing. The applied one, so
     * that the control plane, which waits for a removed participant's generation to be applied before
     * reusing its buffers, is never left waiting on a sleeping engine.
     */
    @Override
    public boolean idle() {
        EngineSnapshot current = snapshot;
        return current.generation() == appliedGeneration && current.streams().length == 0 && current.tap() == null;
    }

    @Override
    public void onWork(Runnable wakeUp) {
        this.wake = wakeUp;
    }

    @Override
    public void configure(AudioFormat format, int captureChannels, int playbackChannels) {
        wallMicrosAtStart = System.currentTimeMillis() * 1000L;
        nanosAtStart = System.nanoTime();
        running = true;
    }

    @Override
    public void process(long periodStartNanos, float[][] capture, float[][] playback, int frames) {
        periodStart.run();
        EngineSnapshot current = snapshot;
        if (current.generation() != appliedGeneration) {
            appliedGeneration = current.generation();
        }
        float[][][] sources = current.sources();
        float[][][] outputs = current.outputs();
        sources[layout.hubInput()] = capture;
        sourceMeters.measure(layout.hubInput(), capture, capture.length, frames);
        ParticipantStream[] streams = current.streams();
        for (ParticipantStream stream : streams) {
            if (stream.reader() != null) {
                stream.reader().read(stream.input());
                sourceMeters.measure(stream.slot(), stream.input(), stream.input().length, frames);
            }
        }
        PortBridge ports = bridge;
        ports.afterInputs(current, frames);
        ports.beforeMix(current, frames);
        outputs[layout.hubOutput()] = playback;
        for (float[] channel : playback) {
            java.util.Arrays.fill(channel, 0, frames, 0f);
        }
        mixer.process(current.plan(), sources, outputs, frames);
        PeriodTap tap = current.tap();
        if (tap != null) {
            tap.capture(current, period, frames);
        }
        period++;
        long wallMicros = wallMicrosAtStart + (System.nanoTime() - nanosAtStart) / 1000L;
        for (ParticipantStream stream : streams) {
            if (stream.writer() != null) {
                stream.writer().send(stream.output(), wallMicros);
            }
        }
        outbox.flush(current);
    }

    @Override
    public void shutdown() {
        running = false;
    }
}
