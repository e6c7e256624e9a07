package org.tutti.server.engine;

/**
 * Per-participant audio ports of an audio server (JACK): called by the engine inside
 * {@link HubEngine#process} on the audio thread. Must not block, lock or allocate.
 */
public interface PortBridge {
    /** The jitter buffers were read: publish each participant's input (audio from them). */
    void afterInputs(EngineSnapshot snapshot, int frames);

    /** Before mixing: fill each participant's return buffers (audio sent to them from outside). */
    void beforeMix(EngineSnapshot snapshot, int frames);

    PortBridge NONE = new PortBridge() {
        @Override
        public void afterInputs(EngineSnapshot snapshot, int frames) {
        }

        @Override
        public void beforeMix(EngineSnapshot snapshot, int frames) {
        }
    };
}
