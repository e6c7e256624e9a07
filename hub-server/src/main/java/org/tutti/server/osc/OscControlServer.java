package org.tutti.server.osc;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionManager;
import org.tutti.transport.Transport;

/**
 * JackTrip 2.x's OSC control server, for the scripts written against {@code jacktrip -S}: UDP on
 * 127.0.0.1 at the hub's TCP port number. {@code /get ,s "latency"} is answered with a bundle holding
 * {@code /response/latency}: every participant's name and, as JackTrip's default buffer strategy
 * reports it, their jitter buffer's target depth in bytes of their own format (depth in frames ×
 * channels × bytes per sample: 4 packets of 128 stereo 16-bit frames is 2048).
 * {@code /config ,sf "queueBuffer" …} is logged and ignored, as JackTrip ignores it outside
 * buffer strategies 3 and 4. Anything else is counted and logged (the 1st, 10th, 100th … of each).
 */
public final class OscControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.osc");

    /** Requests by outcome, for /metrics. */
    public static final class Stats {
        public final LongAdder answered = new LongAdder();
        public final LongAdder ignored = new LongAdder();
        public final LongAdder malformed = new LongAdder();
    }

    private final Stats stats = new Stats();
    private final Channel channel;

    private OscControlServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds 127.0.0.1:{@code port}; null (with a warning) if the port is taken, since a hub without
     * the latency query still does everything else.
     */
    public static OscControlServer bind(EventLoopGroup group, Transport transport, int port, SessionManager sessions) {
        OscControlServer[] server = new OscControlServer[1];
        Bootstrap bootstrap = new Bootstrap().group(group).channelFactory(transport.datagramChannelFactory())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        server[0].receive(ctx, packet, sessions);
                    }
                });
        try {
            Channel channel = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                    .syncUninterruptibly().channel();
            server[0] = new OscControlServer(channel);
            return server[0];
        } catch (Exception e) {
            LOG.warn("the OSC latency query (UDP 127.0.0.1:{}) is off: {}", port, e.getMessage());
            return null;
        }
    }

    public Stats stats() {
        return stats;
    }

    private void receive(ChannelHandlerContext ctx, DatagramPacket packet, SessionManager sessions) {
        ByteBuf content = packet.content();
        byte[] data = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), data);
        InetSocketAddress sender = packet.sender();
        OscMessage message;
        try {
            message = OscMessage.decode(data, data.length);
        } catch (OscMessage.MalformedException e) {
            stats.malformed.increment();
            report(stats.malformed.sum(), "OSC datagram #{} from {} ignored: {}", sender, e.getMessage());
            return;
        }
        if (message.address().equals("/get") && message.arguments().equals(List.of("latency"))) {
            // Participants live on the conductor thread; the answer goes out from this channel's loop.
            sessions.conductor().execute(() -> {
                byte[] reply = OscMessage.bundle(System.currentTimeMillis() / 1000,
                        List.of(new OscMessage("/response/latency", latencies(sessions.active()))));
                ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(reply), sender));
                stats.answered.increment();
            });
        } else if (message.address().equals("/config") && message.arguments().size() == 2
                && "queueBuffer".equals(message.arguments().get(0))) {
            stats.ignored.increment();
            LOG.info("OSC /config queueBuffer {} from {} ignored: the hub's depth is set with -q (JackTrip too"
                    + " ignores this outside --bufstrategy 3 and 4)", message.arguments().get(1), sender);
        } else {
            stats.ignored.increment();
            report(stats.ignored.sum(), "OSC request #{} from {} ignored: {} is not one this hub answers", sender,
                    message.address() + " " + message.arguments());
        }
    }

    /** Name, then depth in bytes of the participant's own format, for everyone streaming. */
    static List<Object> latencies(List<Participant> participants) {
        List<Object> values = new ArrayList<>();
        for (Participant participant : participants) {
            ParticipantStream stream = participant.stream();
            if (stream == null || stream.reader() == null) {
                continue;
            }
            var format = stream.format();
            values.add(participant.name());
            values.add((float) stream.reader().targetFrames() * format.channelsSent()
                    * format.resolution().bytesPerSample());
        }
        return values;
    }

    private static void report(long count, String pattern, InetSocketAddress sender, String what) {
        if (count == 1 || count == 10 || count == 100 || count == 1000 || count % 10000 == 0) {
            LOG.warn(pattern, count, sender, what);
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
