package org.tutti.server.jack;

import org.tutti.server.engine.AudioFormat;
import org.tutti.server.engine.PeriodTimings;

/**
 * {@code --jack-engine async}: JACK's process callback only exchanges audio between JACK's buffers and
 * the staging sets and hands the cycle to Tutti's engine thread ({@link CycleHandoff},
 * {@link JackEngineThread}); its work is bounded by the ports it copies, whatever the engine's load.
 * The hub's own outputs and participants' {@code _receive_} ports carry the cycle before's audio, or
 * silence when the engine has not finished it. The periods a stall took are worked out here, where
 * JACK's frame time is, and run by the engine thread before the cycle they come with.
 */
final class AsyncCycle implements JackBackend.Cycle, CycleHandoff.JackSide {
    private final long clientAddress;
    private final long[] inputAddresses;
    private final long[] outputAddresses;
    private final PeriodTimings timings;
    private final LostCycles lostCycles;
    private final CycleHandoff handoff;
    /** Participants' ports; null when the hub has none in JACK. */
    private final StagedPorts ports;
    private final JackCycle.BufferView view = new JackCycle.BufferView();
    private final float[] silence;
    private final int periodFrames;
    private long reportedSkipped;

    AsyncCycle(long clientAddress, long[] inputAddresses, long[] outputAddresses, AudioFormat format,
               PeriodTimings timings, CycleHandoff handoff, StagedPorts ports) {
        this.clientAddress = clientAddress;
        this.inputAddresses = inputAddresses;
        this.outputAddresses = outputAddresses;
        this.timings = timings;
        this.lostCycles = new LostCycles(format.periodNanos(), format.periodFrames());
        this.handoff = handoff;
        this.ports = ports;
        this.periodFrames = format.periodFrames();
        this.silence = new float[periodFrames];
    }

    @Override
    public void run(int frames) {
        long begin = System.nanoTime();
        int extra = lostCycles.onCallback(begin, JackCycle.lastFrameTime(clientAddress), timings.lastProcessingNanos());
        if (!handoff.exchange(this, begin, lostCycles.latenessNanos(), extra)) {
            lostCycles.notRun(); // the engine still has two cycles: this one is owed, not waited for
        }
        long skipped = lostCycles.skipped();
        if (skipped != reportedSkipped) {
            timings.skipped(skipped - reportedSkipped);
            reportedSkipped = skipped;
        }
        timings.owed(lostCycles.owed());
    }

    @Override
    public void output(int set, long cycle) {
        for (int i = 0; i < outputAddresses.length; i++) {
            view.write(JackCycle.jack_port_get_buffer(outputAddresses[i], periodFrames),
                    set >= 0 ? handoff.playback(set)[i] : silence, periodFrames);
        }
        if (ports != null) {
            ports.output(set, cycle, periodFrames);
        }
    }

    @Override
    public void input(int set, long cycle) {
        float[][] capture = handoff.capture(set);
        for (int i = 0; i < inputAddresses.length; i++) {
            view.read(JackCycle.jack_port_get_buffer(inputAddresses[i], periodFrames), capture[i], periodFrames);
        }
        if (ports != null) {
            ports.input(set, cycle, periodFrames);
        }
    }
}
