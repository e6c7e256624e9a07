package org.tutti.server.engine;

import org.tutti.server.jitter.JitterBuffer;
import org.tutti.server.jitter.StreamInput;
import org.tutti.server.net.PacketSender;

/**
 * The part of a participant the audio thread touches: its jitter buffer, its input and mix buffers,
 * and its packet sender. Created on the control thread when the first datagram is reported, then handed
 * to the engine inside an {@link EngineSnapshot}.
 *
 * @param reader null when the client sends no audio; the jitter buffer and rate conversion
 * @param input  {@code [channelsSent][period]}, what the reader produced this period
 * @param output {@code [channelsWanted][period]}, this participant's mix
 * @param writer null when the client wants no audio back; rate conversion and packets
 */
public record ParticipantStream(int slot, StreamFormat format, StreamInput reader, float[][] input, float[][] output,
                                StreamOutput writer) {

    /** The packet sender, or null when the client wants no audio back. */
    public PacketSender sender() {
        return writer == null ? null : writer.sender();
    }

    /** The jitter buffer, or null when the client sends no audio. */
    public JitterBuffer jitter() {
        return reader == null ? null : reader.buffer();
    }
}
