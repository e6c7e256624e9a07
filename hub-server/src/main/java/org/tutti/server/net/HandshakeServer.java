package org.tutti.server.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.auth.HubAuthentication;
import org.tutti.server.session.SessionManager;
import org.tutti.transport.Transport;

/**
 * The TCP handshake listener (JackTrip's port 4464 + offset). Each connection gets a decoder and a
 * handler; at most {@code maxPending} connections are handled at once, so a flood of idle or
 * garbage connections cannot exhaust the hub, and none of them delays the others.
 */
public final class HandshakeServer {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.handshake");

    private final EventLoopGroup group;
    private final Transport transport;
    private final SessionManager sessions;
    private final Duration nameWait;
    private final Duration deadline;
    private final int maxPending;
    private final HubAuthentication auth;
    private final HandshakeStats stats = new HandshakeStats();
    private final AtomicInteger pending = new AtomicInteger();
    private Channel serverChannel;

    /** @param auth null without {@code -A} */
    public HandshakeServer(EventLoopGroup group, Transport transport, SessionManager sessions, Duration nameWait,
                           Duration deadline, int maxPending, HubAuthentication auth) {
        this.auth = auth;
        this.group = group;
        this.transport = transport;
        this.sessions = sessions;
        this.nameWait = nameWait;
        this.deadline = deadline;
        this.maxPending = maxPending;
    }

    public HandshakeStats stats() {
        return stats;
    }

    public int pending() {
        return pending.get();
    }

    public void bind(InetAddress address, int port) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channelFactory(transport.serverChannelFactory())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (pending.incrementAndGet() > maxPending) {
                            pending.decrementAndGet();
                            stats.overLimit.increment();
                            LOG.warn("too many handshakes in progress ({}); closing {}", maxPending,
                                    channel.remoteAddress());
                            channel.close();
                            return;
                        }
                        channel.closeFuture().addListener(f -> pending.decrementAndGet());
                        channel.pipeline().addLast("decoder", new HandshakeDecoder(nameWait));
                        channel.pipeline().addLast("handler", new HandshakeHandler(sessions, deadline, stats, auth));
                    }
                });
        InetSocketAddress local = address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
        serverChannel = bootstrap.bind(local).sync().channel();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
