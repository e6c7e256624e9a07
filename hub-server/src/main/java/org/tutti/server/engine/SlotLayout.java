package org.tutti.server.engine;

/**
 * How source and output slots are numbered for the mixer: participants use their session slot
 * {@code 0 … participants−1}; the hub's own input (and, for mode 0, its output) comes right after;
 * then one "return" source per participant — what external JACK clients send to that participant;
 * last, the output slot of the recording's mix.
 */
public record SlotLayout(int participants) {
    /** Source slot of the hub's own input (system capture, tone or WAV). */
    public int hubInput() {
        return participants;
    }

    /** Output slot of the hub's own output (system playback). */
    public int hubOutput() {
        return participants;
    }

    /** Source slot of what is sent to participant {@code slot} from outside (its JACK input ports). */
    public int returnOf(int slot) {
        return participants + 1 + slot;
    }

    /** Output slot of the mix a recording writes (the mix master's, or everyone at unity). */
    public int recordingMix() {
        return 2 * participants + 1;
    }

    public int size() {
        return 2 * participants + 2;
    }
}
