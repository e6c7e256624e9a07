package org.tutti.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.api.ApiStats;
import org.tutti.server.api.Principal;
import org.tutti.server.api.Tokens;

/**
 * One page's WebSocket on {@code /api/live}. Browsers cannot set headers on a WebSocket, and a token
 * in the URL would land in proxies' logs, so the page's first message is {@code {"token":"…"}};
 * until it comes (10 s at most) nothing is sent. After that the page only listens: changes go
 * through the REST API like any other client's.
 */
public final class LiveSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.web");
    static final long AUTH_TIMEOUT_SECONDS = 10;

    private final LiveFeed feed;
    private final Tokens tokens;
    private final ObjectMapper json;
    private final ApiStats stats;
    private boolean joined;
    private ScheduledFuture<?> authTimeout;

    public LiveSocketHandler(LiveFeed feed, Tokens tokens, ObjectMapper json, ApiStats stats) {
        this.feed = feed;
        this.tokens = tokens;
        this.json = json;
        this.stats = stats;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            authTimeout = ctx.executor().schedule(() -> refuse(ctx, "no token within " + AUTH_TIMEOUT_SECONDS + " s"),
                    AUTH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (joined) {
            return; // pages only listen; whatever they send is ignored
        }
        if (!(frame instanceof TextWebSocketFrame text)) {
            refuse(ctx, "the first message must be {\"token\":\"…\"}");
            return;
        }
        String token;
        try {
            JsonNode message = json.readTree(text.text());
            token = message.path("token").asText(null);
        } catch (java.io.IOException e) {
            token = null;
        }
        Principal who = token == null ? null : tokens.principalFor(token);
        if (who == null) {
            stats.unauthorized.increment();
            refuse(ctx, token == null ? "the first message must be {\"token\":\"…\"}" : "unknown token");
            return;
        }
        cancelTimeout();
        joined = true;
        feed.conductor().execute(() -> {
            if (ctx.channel().isActive() && !feed.join(ctx.channel(), who)) {
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.TRY_AGAIN_LATER, "too many pages open"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        cancelTimeout();
        LOG.info("live page {} refused: {}", ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, why))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void cancelTimeout() {
        if (authTimeout != null) {
            authTimeout.cancel(false);
            authTimeout = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("live page {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
