package org.tutti.server.jack;

import org.tutti.server.engine.EngineSnapshot;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.PortBridge;

/**
 * Participants' ports with {@code --jack-engine async}: JACK's callback copies between JACK's buffers
 * and each participant's {@link PortStaging} ({@link #output}, {@link #input}), and the engine thread's
 * hooks ({@link PortBridge}) copy between the staging and the engine. The callback is the only thread
 * that touches JACK's buffers, so it is the one that acknowledges the port map. Audio from a
 * participant reaches its {@code _receive_} ports a cycle after the engine read it; audio into its
 * {@code _send_} ports is mixed in the cycle JACK delivered it, as with {@link DirectPorts}. Ports with
 * no connection are skipped on both threads.
 */
final class StagedPorts implements PortBridge, JackEngineThread.CycleStart {
    private final ParticipantPorts ports;
    private final float[] silence;
    /** JACK's process thread only: the map of the current callback, and the view of JACK's buffers. */
    private final JackCycle.BufferView view = new JackCycle.BufferView();
    private PortEntry.Map callbackMap;
    /** The engine thread only: the set and cycle it runs. */
    private int set;
    private long cycle;

    StagedPorts(ParticipantPorts ports, int frames) {
        this.ports = ports;
        this.silence = new float[frames];
    }

    // ---------------------------------------------------------------- JACK's process thread

    /**
     * Puts the audio the engine staged from each participant in {@code set} for {@code cycle} into
     * their connected {@code _receive_} ports; silence where it staged none (or {@code set == -1}: the
     * engine is late). First in each callback: takes the port map the callback uses.
     */
    void output(int set, long cycle, int frames) {
        PortEntry.Map current = ports.map();
        ports.applied(current.version());
        callbackMap = current;
        for (PortEntry entry : current.all()) {
            PortStaging staging = entry.staging();
            for (int c = 0; c < entry.from().length; c++) {
                if (entry.fromConnections().get(c) == 0) {
                    continue; // nobody listens
                }
                long buffer = JackCycle.jack_port_get_buffer(entry.fromAddresses()[c], frames);
                boolean staged = set >= 0 && staging.fromCycle[set][c] == cycle;
                view.write(buffer, staged ? staging.from[set][c] : silence, frames);
            }
        }
    }

    /** Stages what each connected {@code _send_} port carries in this callback in {@code set}, for {@code cycle}. */
    void input(int set, long cycle, int frames) {
        for (PortEntry entry : callbackMap.all()) {
            PortStaging staging = entry.staging();
            for (int c = 0; c < entry.to().length; c++) {
                if (entry.toConnections().get(c) == 0) {
                    continue;
                }
                view.read(JackCycle.jack_port_get_buffer(entry.toAddresses()[c], frames), staging.to[set][c], frames);
                staging.toCycle[set][c] = cycle;
            }
        }
    }

    // ---------------------------------------------------------------- the engine thread

    @Override
    public void cycle(int set, long cycle) {
        this.set = set;
        this.cycle = cycle;
    }

    @Override
    public void afterInputs(EngineSnapshot snapshot, int frames) {
        PortEntry.Map current = ports.map();
        for (ParticipantStream stream : snapshot.streams()) {
            PortEntry entry = current.of(stream);
            if (entry == null) {
                continue;
            }
            PortStaging staging = entry.staging();
            float[][] input = stream.input();
            for (int c = 0; c < entry.from().length; c++) {
                if (entry.fromConnections().get(c) == 0) {
                    continue; // nobody listens
                }
                System.arraycopy(input[c], 0, staging.from[set][c], 0, frames);
                staging.fromCycle[set][c] = cycle;
            }
        }
    }

    @Override
    public void beforeMix(EngineSnapshot snapshot, int frames) {
        PortEntry.Map current = ports.map();
        for (ParticipantStream stream : snapshot.streams()) {
            PortEntry entry = current.of(stream);
            if (entry == null) {
                continue;
            }
            PortStaging staging = entry.staging();
            for (int c = 0; c < entry.to().length; c++) {
                float[] target = entry.returns()[c];
                if (staging.toCycle[set][c] != cycle) {
                    // Not connected in this cycle's callback: what it last carried is not mixed on.
                    if (entry.returnsHoldAudio()[c]) {
                        java.util.Arrays.fill(target, 0f);
                        entry.returnsHoldAudio()[c] = false;
                    }
                    continue;
                }
                System.arraycopy(staging.to[set][c], 0, target, 0, frames);
                entry.returnsHoldAudio()[c] = true;
            }
        }
    }
}
