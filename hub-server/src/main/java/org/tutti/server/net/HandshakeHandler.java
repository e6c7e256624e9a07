package org.tutti.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.protocol.handshake.AuthCode;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.server.session.SessionManager;

/**
 * Answers one handshake: asks the session manager for a slot and replies with its UDP port, or
 * answers an auth request with NOTREQUIRED; then closes, as JackTrip's hub does. Connections that
 * have not finished within the deadline, or that send garbage, are closed and counted.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.handshake");

    private final SessionManager sessions;
    private final Duration deadline;
    private final HandshakeStats stats;
    private ScheduledFuture<?> deadlineTimer;
    private boolean answered;

    public HandshakeHandler(SessionManager sessions, Duration deadline, HandshakeStats stats) {
        this.sessions = sessions;
        this.deadline = deadline;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadlineTimer = ctx.executor().schedule(() -> {
            if (!answered) {
                stats.timedOut.increment();
                LOG.info("closing handshake from {}: nothing usable within {} ms", ctx.channel().remoteAddress(),
                        deadline.toMillis());
                ctx.close();
            }
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        answered = true;
        cancelDeadline();
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        if (msg instanceof HandshakeRequest request) {
            sessions.admit(request, peer).addListener(f -> {
                if (f.isSuccess()) {
                    stats.accepted.increment();
                    reply(ctx, (Integer) f.getNow(), null);
                } else {
                    stats.refused.increment();
                    // JackTrip closes without replying when no slot is free.
                    ctx.close();
                }
            });
        } else if (msg == HandshakeDecoder.AUTH_REQUESTED) {
            stats.authNotRequired.increment();
            LOG.info("{} asked to authenticate; this hub does not require it (NOTREQUIRED)", peer);
            reply(ctx, -1, AuthCode.NOTREQUIRED);
        } else if (msg instanceof HandshakeDecoder.Garbage garbage) {
            stats.garbage.increment();
            LOG.warn("garbage on the handshake port from {}: {}; closed", peer, garbage.reason());
            ctx.close();
        }
    }

    private static void reply(ChannelHandlerContext ctx, int port, AuthCode code) {
        ByteBuf out = ctx.alloc().buffer(HandshakeReply.LENGTH);
        java.nio.ByteBuffer view = java.nio.ByteBuffer.allocate(HandshakeReply.LENGTH);
        if (code == null) {
            HandshakeReply.writePort(view, 0, port);
        } else {
            HandshakeReply.writeCode(view, 0, code);
        }
        out.writeBytes(view.array());
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.errors.increment();
        LOG.debug("handshake connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void cancelDeadline() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
    }
}
