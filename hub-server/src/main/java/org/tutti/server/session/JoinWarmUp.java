package org.tutti.server.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.tutti.mixer.plan.MixPlan;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.SampleRate;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.StreamFormat;
import org.tutti.server.mix.MixModel;
import org.tutti.server.net.PacketSender;

/**
 * Goes once through what a join does, for a participant that does not exist, before the hub takes
 * clients. Without it the first joiner of a freshly started hub pays, between their first packet and
 * their first answer, for loading and initialising every class of a stream, building the resampler's
 * shared tables and the mixer's plan code: tens of milliseconds on the conductor, where a warm join
 * takes about one. Runs on the starting thread, before the engine or any socket exists; touches no
 * session state (the stream is dropped, the plan is not published).
 */
final class JoinWarmUp {
    /** Periods pushed through the stream: enough to run its read, conceal and send paths once each. */
    private static final int PERIODS = 16;

    private JoinWarmUp() {
    }

    /** The stream a typical client sends this hub: 16-bit stereo (mono on a mono hub) at its rate and period. */
    static StreamFormat format(HubConfig config) {
        int channels = Math.min(2, config.maxChannels());
        return new StreamFormat(BitResolution.BIT16, SampleRate.jackTripCodeFor(config.sampleRate()),
                config.periodFrames(), channels, channels);
    }

    /** @return how long it took, in nanoseconds */
    static long run(HubConfig config, StreamFactory streams, MixModel mixes) {
        long start = System.nanoTime();
        StreamFormat format = format(config);
        int frames = format.framesPerPacket();
        int channels = format.channelsSent();
        ParticipantStream stream = streams.create(0, format, 1, null,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
        ByteBuffer packet = ByteBuffer.allocate(format.packetSize());
        new PacketHeader().wrap(packet, 0).bufferSize(frames).samplingRateCode(format.rateCode())
                .bitResolution(16).channelsWanted(channels).channelsCarried(channels);
        for (int period = 0; period < PERIODS; period++) {
            if (stream.jitter() != null && period % 4 != 3) { // every fourth missing: the concealer runs too
                stream.jitter().offer(period, packet, 0, BitResolution.BIT16, channels, System.nanoTime(), false);
            }
            if (stream.reader() != null) {
                stream.reader().read(stream.input());
            }
            if (stream.writer() != null) {
                stream.writer().send(stream.output(), 0);
            }
        }
        PacketSender sender = stream.sender();
        if (sender != null) {
            sender.close(); // no channel: frees the ring here and now
        }
        List<MixModel.Member> members = config.maxParticipants() < 2
                ? List.of(new MixModel.Member("warm-up", 0, channels, channels, 0))
                : List.of(new MixModel.Member("warm-up", 0, channels, channels, 0),
                        new MixModel.Member("warm-up-2", 1, channels, channels, 0));
        MixPlan plan = mixes.compile(members, MixPlan.EMPTY, 0);
        // Again, as after a join: reusing unchanged listeners compares their specs, records whose
        // equals is linked the first time it runs (about 8 ms of the conductor's on a fresh hub).
        mixes.compile(members, plan, 0);
        return System.nanoTime() - start;
    }
}
