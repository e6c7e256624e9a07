package org.tutti.server.session;

import io.netty.channel.Channel;
import org.tutti.mixer.dsp.FadeRepeatConcealer;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.StreamFormat;
import org.tutti.server.jitter.JitterBuffer;
import org.tutti.server.net.PacketSender;

/**
 * Builds a participant's stream (jitter buffer, buffers, sender) for the format of its first
 * datagram. Runs on the network thread once per session; allocation is fine here.
 */
public final class StreamFactory {
    /** Extra depth (in packets) tolerated before the oldest are dropped. */
    static final int SLACK_PACKETS = 2;

    private final HubConfig config;

    public StreamFactory(HubConfig config) {
        this.config = config;
    }

    public ParticipantStream create(int slot, StreamFormat format, Channel channel) {
        int period = config.periodFrames();
        int sent = Math.min(format.channelsSent(), config.maxChannels());
        int wanted = Math.min(format.channelsWanted(), config.maxChannels());
        JitterBuffer jitter = null;
        float[][] input = new float[sent][period];
        if (sent > 0) {
            int frames = format.framesPerPacket();
            int target = targetPackets(frames);
            int slack = Math.max(SLACK_PACKETS, (period + frames - 1) / frames);
            int capacity = Math.max(64, 4 * (target + slack + (period + frames - 1) / frames));
            jitter = new JitterBuffer(sent, frames, config.sampleRate(), capacity, target, slack,
                    new FadeRepeatConcealer(sent, Math.max(frames, period)));
        }
        PacketSender sender = wanted > 0
                ? new PacketSender(new StreamFormat(format.resolution(), format.rateCode(), format.framesPerPacket(),
                        sent, wanted), period)
                : null;
        return new ParticipantStream(slot, format, jitter, input, new float[wanted][period], sender, channel);
    }

    /** The configured depth in this client's packets ({@code -q N}, or {@code --queue-ms}). */
    int targetPackets(int framesPerPacket) {
        if (config.queueMillis() > 0) {
            double frames = config.queueMillis() * config.sampleRate() / 1000.0;
            return Math.max(1, (int) Math.ceil(frames / framesPerPacket));
        }
        return config.queuePackets();
    }
}
