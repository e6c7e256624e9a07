package org.tutti.server.engine;

import io.netty.channel.Channel;
import org.tutti.server.jitter.JitterBuffer;
import org.tutti.server.net.PacketSender;

/**
 * The part of a participant the audio thread touches: its jitter buffer, its input and mix buffers,
 * and its packet sender. Created on the network thread when the first datagram arrives, then handed
 * to the engine inside an {@link EngineSnapshot}.
 *
 * @param jitter null when the client sends no audio
 * @param input  {@code [channelsSent][period]}, what the jitter buffer produced this period
 * @param output {@code [channelsWanted][period]}, this participant's mix
 * @param sender null when the client wants no audio back
 */
public record ParticipantStream(int slot, StreamFormat format, JitterBuffer jitter, float[][] input, float[][] output,
                                PacketSender sender, Channel channel) {
}
