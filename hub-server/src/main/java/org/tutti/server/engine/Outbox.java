package org.tutti.server.engine;

/**
 * Where the engine hands each period's staged packets for sending. Called once per period on the
 * audio thread; implementations must not block.
 */
public interface Outbox {
    void flush(EngineSnapshot snapshot);

    Outbox NONE = snapshot -> {
        for (ParticipantStream stream : snapshot.streams()) {
            if (stream.sender() != null) {
                for (var packet = stream.sender().take(); packet != null; packet = stream.sender().take()) {
                    packet.release();
                }
            }
        }
    };
}
