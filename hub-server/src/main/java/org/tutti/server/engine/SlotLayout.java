package org.tutti.server.engine;

/**
 * How source and output slots are numbered for the mixer: participants use their session slot
 * {@code 0 … participants−1}; the hub's own input (and, for mode 0, its output) comes right after.
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

    public int size() {
        return participants + 1;
    }
}
