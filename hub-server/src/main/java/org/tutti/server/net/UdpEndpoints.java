package org.tutti.server.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionEvents;
import org.tutti.transport.Transport;

/**
 * Binds each participant's UDP port on the audio event loops and sends exit packets.
 */
public final class UdpEndpoints {
    /** Big enough for any datagram; larger ones would be truncated and fail validation. */
    private static final int MAX_DATAGRAM = 65536;
    private static final byte[] EXIT = ExitPacket.bytes();

    private final EventLoopGroup group;
    private final Transport transport;
    private final InetAddress bindAddress;
    private final DatagramValidator validator;

    public UdpEndpoints(EventLoopGroup group, Transport transport, InetAddress bindAddress, DatagramValidator validator) {
        this.group = group;
        this.transport = transport;
        this.bindAddress = bindAddress;
        this.validator = validator;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Binds {@code port} for {@code participant}; the future fails if the port is taken. */
    public ChannelFuture bind(int port, Participant participant, SessionEvents events) {
        InetSocketAddress local = bindAddress == null ? new InetSocketAddress(port) : new InetSocketAddress(bindAddress, port);
        return bootstrap(group, new ParticipantDatagramHandler(participant, validator, events)).bind(local);
    }

    /**
     * Sends datagrams between two throwaway sockets with the participants' options on every audio
     * event loop, so that the first joiner's first packet finds the receive and send paths loaded and
     * each loop's buffer pool made: see {@link DatagramPathWarmUp}.
     *
     * @return the datagrams that went round, of those sent
     */
    public DatagramPathWarmUp.Result warmUp(int packetBytes) throws InterruptedException {
        return DatagramPathWarmUp.run(group, this::bootstrap, packetBytes);
    }

    /** A participant's socket: its transport, buffers and marking, on {@code loops} (the audio event loops, or one of them). */
    private Bootstrap bootstrap(EventLoopGroup loops, io.netty.channel.ChannelHandler handler) {
        return new Bootstrap()
                .group(loops)
                .channelFactory(transport.datagramChannelFactory())
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                // Every datagram needs a 64 KiB receive buffer (any client layout must fit). Netty's
                // default allocator does not pool that size: it was a malloc, a free and a Cleaner per
                // datagram on the network thread. The pooled arena recycles them.
                .option(ChannelOption.ALLOCATOR, io.netty.buffer.PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.SO_RCVBUF, 256 * 1024)
                .option(ChannelOption.SO_SNDBUF, 256 * 1024)
                .option(ChannelOption.IP_TOS, 0xB8) // DSCP EF, as JackTrip 1.7.0 marks audio
                .handler(handler);
    }

    /** Sends the exit packet twice to {@code to} from {@code channel} (its event loop runs it), then closes the channel. */
    public ChannelFuture sendExitAndClose(Channel channel, InetSocketAddress to) {
        if (to == null || !channel.isActive()) {
            return channel.close();
        }
        ChannelFuture last = null;
        for (int i = 0; i < ExitPacket.REPEAT; i++) {
            last = channel.write(new DatagramPacket(Unpooled.wrappedBuffer(EXIT), to));
        }
        channel.flush();
        // Close only once both are out: closing cancels sends still in flight (io_uring).
        ChannelPromise closed = channel.newPromise();
        last.addListener(sent -> channel.close().addListener(c -> closed.setSuccess()));
        return closed;
    }
}
