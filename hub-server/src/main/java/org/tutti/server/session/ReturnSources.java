package org.tutti.server.session;

/** Buffers of audio sent to a participant from outside the network (JACK input ports), by slot. */
public interface ReturnSources {
    /** {@code [channel][frame]} buffers for the participant in {@code slot}, or null for none. */
    float[][] buffers(int slot);

    ReturnSources NONE = slot -> null;
}
