package org.tutti.server.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs and counts failed TLS handshakes on the control port: plain HTTP sent to the HTTPS port,
 * a client that stalls (the handshake times out), a bad certificate. The connection is closed by
 * the TLS handler; nothing else is affected.
 */
public final class TlsFailureLogger extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.web");
    private final LongAdder failures;

    public TlsFailureLogger(LongAdder failures) {
        this.failures = failures;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                ctx.pipeline().remove(this);
            } else {
                failures.increment();
                LOG.warn("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                        completion.cause().getMessage());
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Handshake failures were logged above; the handler closes the connection.
        ctx.close();
    }
}
