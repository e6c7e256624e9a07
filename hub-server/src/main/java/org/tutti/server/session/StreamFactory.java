package org.tutti.server.session;

import io.netty.channel.Channel;
import org.tutti.mixer.dsp.BurgConcealer;
import org.tutti.mixer.dsp.ConcealmentWorkspace;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.StreamOutput;
import org.tutti.server.engine.StreamFormat;
import org.tutti.server.jitter.DepthTarget;
import org.tutti.server.jitter.JitterBuffer;
import org.tutti.server.jitter.StreamInput;
import org.tutti.server.net.PacketSender;

/**
 * Builds a participant's stream (jitter buffer, buffers, sender) for the format of its first
 * datagram. Runs on the control thread once per session; allocation is fine here.
 */
public final class StreamFactory {
    /**
     * Fits of the prediction model allowed per period across all participants (about 50 µs each): a
     * period in which many participants lose a packet at once falls back to fade-repeat for the rest
     * instead of running late.
     */
    static final int BURG_FITS_PER_PERIOD = 8;

    private final HubConfig config;
    /** Scratch for every participant's concealer: they all run on the audio thread. */
    private final ConcealmentWorkspace concealment =
            new ConcealmentWorkspace(BurgConcealer.defaultHistory(192000));

    public StreamFactory(HubConfig config) {
        this.config = config;
        concealment.fitsPerPeriod(BURG_FITS_PER_PERIOD);
    }

    /** The concealers' shared scratch; the engine starts a new period's fit budget on it. */
    public ConcealmentWorkspace concealment() {
        return concealment;
    }

    /**
     * A stream for the client at {@code address}, whose datagrams {@code channel} receives and sends;
     * its first datagram carried {@code clientRedundancy} packets.
     */
    public ParticipantStream create(int slot, StreamFormat format, int clientRedundancy, Channel channel,
                                    java.net.InetSocketAddress address) {
        int period = config.periodFrames();
        int sent = Math.min(format.channelsSent(), config.maxChannels());
        int wanted = Math.min(format.channelsWanted(), config.maxChannels());
        StreamInput input = null;
        if (sent > 0) {
            int frames = format.framesPerPacket();
            int clientRate = format.sampleRate(config.sampleRate());
            DepthTarget depth = depthTarget();
            int capacity = depth.capacitySlots(frames, clientRate);
            JitterBuffer jitter = new JitterBuffer(sent, frames, clientRate, capacity, Math.max(frames, period),
                    config.concealment().create(sent, Math.max(frames, period), clientRate, concealment));
            input = new StreamInput(jitter, depth, clientRate, config.sampleRate(), period);
        }
        StreamOutput writer = null;
        if (wanted > 0) {
            int clientRate = format.sampleRate(config.sampleRate());
            int packetFrames = clientRate == config.sampleRate() ? period : format.framesPerPacket();
            PacketSender sender = new PacketSender(new StreamFormat(format.resolution(), format.rateCode(),
                    format.framesPerPacket(), sent, wanted), packetFrames, config.sendRedundancy(), clientRedundancy, channel,
                    address);
            writer = new StreamOutput(sender, wanted, config.sampleRate(), clientRate, period, packetFrames);
        }
        return new ParticipantStream(slot, format, input, new float[sent][period], new float[wanted][period], writer);
    }

    /** The configured depth: {@code -q N}, {@code --queue-ms}, or {@code -q auto} with its margin. */
    private DepthTarget depthTarget() {
        if (config.queueAuto()) {
            return DepthTarget.adaptive(config.queueMarginMillis());
        }
        return new DepthTarget(false, config.queuePackets(), config.queueMillis(), 0);
    }
}
