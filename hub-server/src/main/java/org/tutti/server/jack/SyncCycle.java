package org.tutti.server.jack;

import org.tutti.server.engine.AudioClient;
import org.tutti.server.engine.AudioFormat;
import org.tutti.server.engine.PeriodTimings;

/**
 * {@code --jack-engine sync}: the whole engine runs in JACK's process callback, the periods a stall
 * took first ({@link LostCycles}), then this cycle's, the hub's own ports read and written by address.
 * Participants' ports are read and written by the engine itself ({@link DirectPorts}).
 */
final class SyncCycle implements JackBackend.Cycle {
    private final AudioClient engine;
    private final long clientAddress;
    private final long[] inputAddresses;
    private final long[] outputAddresses;
    private final PeriodTimings timings;
    private final LostCycles lostCycles;
    private final JackCycle.BufferView view = new JackCycle.BufferView();
    private final float[][] capture;
    private final float[][] playback;
    /** What a late-run period reads as the hub's input, and where its output goes (JACK has no cycle for it). */
    private final float[][] silence;
    private final float[][] discarded;
    private long reportedSkipped;

    SyncCycle(AudioClient engine, long clientAddress, long[] inputAddresses, long[] outputAddresses,
              AudioFormat format, PeriodTimings timings) {
        this.engine = engine;
        this.clientAddress = clientAddress;
        this.inputAddresses = inputAddresses;
        this.outputAddresses = outputAddresses;
        this.timings = timings;
        this.lostCycles = new LostCycles(format.periodNanos(), format.periodFrames());
        this.capture = new float[inputAddresses.length][format.periodFrames()];
        this.playback = new float[outputAddresses.length][format.periodFrames()];
        this.silence = new float[inputAddresses.length][format.periodFrames()];
        this.discarded = new float[outputAddresses.length][format.periodFrames()];
    }

    @Override
    public void run(int frames) {
        long begin = System.nanoTime();
        if (lostCycles.onCallback(begin, JackCycle.lastFrameTime(clientAddress), timings.lastProcessingNanos()) > 0) {
            engine.process(begin, silence, discarded, frames); // a period a stall took, run late
            timings.recovered(1);
        }
        long skipped = lostCycles.skipped();
        if (skipped != reportedSkipped) {
            timings.skipped(skipped - reportedSkipped);
            reportedSkipped = skipped;
        }
        timings.owed(lostCycles.owed());
        for (int i = 0; i < inputAddresses.length; i++) {
            view.read(JackCycle.jack_port_get_buffer(inputAddresses[i], frames), capture[i], frames);
        }
        engine.process(begin, capture, playback, frames);
        for (int i = 0; i < outputAddresses.length; i++) {
            view.write(JackCycle.jack_port_get_buffer(outputAddresses[i], frames), playback[i], frames);
        }
        timings.record(lostCycles.latenessNanos(), System.nanoTime() - begin);
    }
}
