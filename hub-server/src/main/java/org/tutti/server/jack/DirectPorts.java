package org.tutti.server.jack;

import org.tutti.server.engine.EngineSnapshot;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.PortBridge;

/**
 * Participants' ports read and written straight from the engine, which runs inside JACK's process
 * callback ({@code --jack-engine sync}): audio from a participant goes into its {@code _receive_}
 * ports in the same cycle. Ports with no connection are skipped.
 */
final class DirectPorts implements PortBridge {
    private final ParticipantPorts ports;
    /** JACK's process thread only. */
    private final JackCycle.BufferView view = new JackCycle.BufferView();

    DirectPorts(ParticipantPorts ports) {
        this.ports = ports;
    }

    @Override
    public void afterInputs(EngineSnapshot snapshot, int frames) {
        PortEntry.Map current = ports.map();
        ports.applied(current.version());
        for (ParticipantStream stream : snapshot.streams()) {
            PortEntry entry = current.of(stream);
            if (entry == null) {
                continue;
            }
            float[][] input = stream.input();
            for (int c = 0; c < entry.from().length; c++) {
                if (entry.fromConnections().get(c) == 0) {
                    continue; // nobody listens
                }
                view.write(JackCycle.jack_port_get_buffer(entry.fromAddresses()[c], frames), input[c], frames);
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
            for (int c = 0; c < entry.to().length; c++) {
                float[] target = entry.returns()[c];
                if (entry.toConnections().get(c) == 0) {
                    if (entry.returnsHoldAudio()[c]) {
                        java.util.Arrays.fill(target, 0f); // disconnected: what it last carried is not mixed on
                        entry.returnsHoldAudio()[c] = false;
                    }
                    continue;
                }
                view.read(JackCycle.jack_port_get_buffer(entry.toAddresses()[c], frames), target, frames);
                entry.returnsHoldAudio()[c] = true;
            }
        }
    }
}
