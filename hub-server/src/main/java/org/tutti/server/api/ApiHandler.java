package org.tutti.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection to the control API: authenticates, routes, runs the route on the conductor
 * thread (this event loop is the conductor), and answers JSON — or, for {@code /metrics}, the
 * Prometheus text format.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.api");

    private final Router router;
    private final Tokens tokens;
    private final ObjectMapper json;
    private final ApiStats stats;
    private final Supplier<String> metrics;

    ApiHandler(Router router, Tokens tokens, ObjectMapper json, ApiStats stats, Supplier<String> metrics) {
        this.router = router;
        this.tokens = tokens;
        this.json = json;
        this.stats = stats;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            stats.clientErrors.increment();
            send(ctx, HttpResponseStatus.BAD_REQUEST, error("malformed HTTP request"), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if ("/metrics".equals(uri.path()) && metrics != null) {
            stats.ok.increment();
            byte[] text = metrics.get().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(text));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            write(ctx, response, keepAlive);
            return;
        }
        try {
            Router.Match match = router.match(request.method(), uri.path());
            Principal principal = authenticate(request, match);
            byte[] body = ByteBufUtil.getBytes(request.content());
            boolean secure = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
            Object result = match.route().handler().handle(new Request(request.method(), match.parameters(),
                    uri.parameters(), principal, body, json, request.headers(), secure,
                    (java.net.InetSocketAddress) ctx.channel().remoteAddress()));
            stats.ok.increment();
            send(ctx, HttpResponseStatus.OK, result, keepAlive);
        } catch (ApiException e) {
            if (e.status().code() == 401 || e.status().code() == 403) {
                stats.unauthorized.increment();
            } else {
                stats.clientErrors.increment();
            }
            LOG.info("API {} {} -> {}: {}", request.method(), uri.path(), e.status().code(), e.getMessage());
            send(ctx, e.status(), error(e.getMessage()), keepAlive);
        } catch (RuntimeException e) {
            stats.serverErrors.increment();
            LOG.error("API {} {} failed", request.method(), uri.path(), e);
            send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, error("internal error: " + e), keepAlive);
        }
    }

    private Principal authenticate(FullHttpRequest request, Router.Match match) {
        Router.Access access = match.route().access();
        if (access == Router.Access.PUBLIC) {
            return null;
        }
        String token = token(request);
        if (token == null) {
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED,
                    "send a token: 'Authorization: Bearer TOKEN' (see docs/api.md)");
        }
        Principal principal = tokens.principalFor(token);
        if (principal == null) {
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "unknown token");
        }
        if (principal.operator()) {
            return principal;
        }
        String participant = principal.participant();
        if (access == Router.Access.OPERATOR) {
            throw ApiException.forbidden("this needs the operator token");
        }
        if (access == Router.Access.MIX_OWNER && !principal.mayEditMixOf(match.parameters().get("name"))) {
            throw ApiException.forbidden("a participant token can only change its own mix ('" + participant + "')");
        }
        return principal;
    }

    private static String token(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return request.headers().get("X-Tutti-Token");
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }

    private void send(ChannelHandlerContext ctx, HttpResponseStatus status, Object body, boolean keepAlive) {
        ByteBuf content;
        try {
            content = Unpooled.wrappedBuffer(json.writeValueAsBytes(body));
        } catch (Exception e) {
            content = Unpooled.copiedBuffer("{\"error\":\"cannot encode response\"}", StandardCharsets.UTF_8);
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        write(ctx, response, keepAlive);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("API connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
