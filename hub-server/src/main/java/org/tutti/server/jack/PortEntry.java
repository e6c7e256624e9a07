package org.tutti.server.jack;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jaudiolibs.jnajack.JackPort;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.session.Participant;

/**
 * One participant's ports and their native addresses (for {@link JackCycle}), how many connections
 * each has (the conductor writes, the audio threads read), the buffers its input ports are read into
 * for the mix, with whether each holds audio (engine thread only), and, with {@code --jack-engine
 * async}, the staging between JACK's callback and the engine thread (else null).
 */
record PortEntry(Participant participant, String name, ParticipantStream stream, JackPort[] from, JackPort[] to,
                 long[] fromAddresses, long[] toAddresses, AtomicIntegerArray fromConnections,
                 AtomicIntegerArray toConnections, float[][] returns, boolean[] returnsHoldAudio,
                 PortStaging staging) {

    /** What the audio threads read: entries by slot, the same entries in a dense array, and a version they acknowledge. */
    record Map(long version, PortEntry[] bySlot, PortEntry[] all) {
        /** The ports of {@code stream}, or null when it has none (or they belong to an earlier stream of its slot). */
        PortEntry of(org.tutti.server.engine.ParticipantStream stream) {
            PortEntry entry = bySlot[stream.slot()];
            return entry != null && entry.stream() == stream ? entry : null;
        }
    }
}
