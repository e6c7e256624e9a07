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
import org.tutti.protocol.handshake.AuthenticatedRequest;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.server.auth.CredentialsFile;
import org.tutti.server.auth.HubAuthentication;
import org.tutti.server.session.SessionManager;

/**
 * Answers one handshake: asks the session manager for a slot and replies with its UDP port, then
 * closes, as JackTrip's hub does. Connections that have not finished within the deadline, or that
 * send garbage, are closed and counted.
 *
 * <p>Without {@code -A} an auth request is answered NOTREQUIRED. With it, a plain request gets
 * REQUIRED; an auth request gets OK in plain text, then the same connection turns TLS (this hub the
 * server) and must bring port, name, username and password within {@link #AUTH_DEADLINE_MILLIS};
 * only a right password at an allowed time gets a slot (a UDP port is bound only then), anything
 * else WRONGCREDS or WRONGTIME, counted by reason and logged with the address and username, never the
 * password. An address that keeps failing waits longer and longer for its answers.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.handshake");

    /** From the auth marker to the credentials request, TLS handshake included. */
    static final long AUTH_DEADLINE_MILLIS = 10_000;

    private final SessionManager sessions;
    private final Duration deadline;
    private final HandshakeStats stats;
    private final HubAuthentication auth;
    private ScheduledFuture<?> deadlineTimer;
    private boolean answered;
    private boolean inTls;

    /** @param auth null without {@code -A} */
    public HandshakeHandler(SessionManager sessions, Duration deadline, HandshakeStats stats, HubAuthentication auth) {
        this.sessions = sessions;
        this.deadline = deadline;
        this.stats = stats;
        this.auth = auth;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        armDeadline(ctx, deadline.toMillis(), "nothing usable");
        ctx.fireChannelActive();
    }

    private void armDeadline(ChannelHandlerContext ctx, long millis, String what) {
        answered = false;
        deadlineTimer = ctx.executor().schedule(() -> {
            if (!answered) {
                if (inTls) {
                    stats.tlsFailed.increment();
                } else {
                    stats.timedOut.increment();
                }
                LOG.info("closing handshake from {}: {} within {} ms", ctx.channel().remoteAddress(), what, millis);
                ctx.close();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        answered = true;
        cancelDeadline();
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        if (msg instanceof HandshakeRequest request && auth != null) {
            stats.authRequired.increment();
            LOG.info("{} ({}) did not authenticate; this hub requires it (REQUIRED)", peer, request.name());
            reply(ctx, -1, AuthCode.REQUIRED);
        } else if (msg == HandshakeDecoder.AUTH_REQUESTED && auth != null) {
            startTls(ctx);
        } else if (msg instanceof AuthenticatedRequest request) {
            checkCredentials(ctx, peer, request);
        } else if (msg instanceof HandshakeRequest request) {
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

    /**
     * OK in plain text, then TLS on the same connection: the handler is added before the reply is
     * written, in start-TLS mode, so the reply alone passes unencrypted and nothing the client sends
     * after reading it can arrive before TLS is in place.
     */
    private void startTls(ChannelHandlerContext ctx) {
        inTls = true;
        io.netty.handler.ssl.SslHandler tls = new io.netty.handler.ssl.SslHandler(
                auth.tls().newEngine(ctx.alloc()), true);
        tls.setHandshakeTimeoutMillis(0); // the deadline below covers the TLS handshake and the request after it
        ctx.pipeline().addFirst("tls", tls);
        ctx.pipeline().replace("decoder", "decoder", new AuthRequestDecoder());
        armDeadline(ctx, AUTH_DEADLINE_MILLIS, "no TLS handshake and credentials");
        ByteBuf out = ctx.alloc().buffer(HandshakeReply.LENGTH);
        out.writeIntLE(AuthCode.OK.wireValue());
        ctx.writeAndFlush(out);
    }

    /** Off the event loop (SHA-512 crypt takes milliseconds), after the throttle's delay for this address. */
    private void checkCredentials(ChannelHandlerContext ctx, InetSocketAddress peer, AuthenticatedRequest request) {
        java.net.InetAddress address = peer.getAddress();
        long delay = auth.throttle().delayMillis(address, System.currentTimeMillis());
        try {
            auth.checks().execute(() -> {
                CredentialsFile.Result result = auth.check(request.username(), request.password());
                ctx.executor().schedule(() -> answer(ctx, peer, request, result), delay, TimeUnit.MILLISECONDS);
            });
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            stats.authBusy.increment();
            LOG.warn("login of '{}' from {} refused unread: too many logins waiting", request.username(), peer);
            ctx.close();
        }
    }

    private void answer(ChannelHandlerContext ctx, InetSocketAddress peer, AuthenticatedRequest request,
                        CredentialsFile.Result result) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (result == CredentialsFile.Result.OK) {
            auth.throttle().succeeded(peer.getAddress());
            HandshakeRequest plain = new HandshakeRequest(request.clientUdpPort(), request.name(), false);
            sessions.admit(plain, peer, request.username()).addListener(f -> {
                if (f.isSuccess()) {
                    stats.accepted.increment();
                    LOG.info("{} logged in as '{}' from {}", request.name(), request.username(), peer);
                    reply(ctx, (Integer) f.getNow(), null);
                } else {
                    stats.refused.increment();
                    ctx.close();
                }
            });
            return;
        }
        int failures = auth.throttle().failed(peer.getAddress(), System.currentTimeMillis());
        boolean time = result == CredentialsFile.Result.WRONG_TIME;
        (time ? stats.wrongTime : stats.wrongCredentials).increment();
        LOG.warn("login of '{}' from {} refused: {} ({} failures from this address in a row)", request.username(), peer,
                time ? "not at an allowed time (WRONGTIME)" : "wrong username or password (WRONGCREDS)", failures);
        reply(ctx, -1, time ? AuthCode.WRONGTIME : AuthCode.WRONGCREDS);
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
        if (inTls && (cause instanceof javax.net.ssl.SSLException
                || cause.getCause() instanceof javax.net.ssl.SSLException
                || cause instanceof io.netty.handler.ssl.SslHandshakeTimeoutException)) {
            stats.tlsFailed.increment();
            LOG.info("TLS with {} failed: {}; closed", ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close();
            return;
        }
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
