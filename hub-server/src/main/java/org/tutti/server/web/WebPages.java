package org.tutti.server.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web pages, served from the jar: {@code /} is a participant's mixer (and the conductor's),
 * {@code /operator} the operator's room view. Everything else under {@code /api} and
 * {@code /metrics} passes on to the API. Nothing is fetched from anywhere else at run time, and
 * the Content-Security-Policy says so to the browser.
 */
public final class WebPages extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String ROOT = "/tutti-web";
    private static final Pattern SAFE_PATH = Pattern.compile("(/[a-z0-9][a-z0-9_.-]*)+");
    private static final Map<String, String> ALIASES = Map.of("/", "/index.html", "/operator", "/operator.html");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml", "png", "image/png",
            "webmanifest", "application/manifest+json", "ico", "image/x-icon");
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self';"
            + " script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private record Asset(byte[] bytes, String type, String etag) {
    }

    private static final Asset MISSING = new Asset(new byte[0], "", "");
    private static final Map<String, Asset> CACHE = new ConcurrentHashMap<>();

    public WebPages() {
        super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (!request.decoderResult().isSuccess() || path.equals("/api") || path.startsWith("/api/")
                || path.equals("/metrics")) {
            ctx.fireChannelRead(request);
            return;
        }
        try {
            respond(ctx, request, path);
        } finally {
            request.release();
        }
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            write(ctx, plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "pages are read with GET"), keepAlive);
            return;
        }
        Asset asset = asset(ALIASES.getOrDefault(path, path));
        if (asset == MISSING) {
            write(ctx, plain(HttpResponseStatus.NOT_FOUND, "no such page: " + path), keepAlive);
            return;
        }
        FullHttpResponse response;
        long length;
        if (asset.etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_MODIFIED);
            length = 0;
        } else {
            boolean head = HttpMethod.HEAD.equals(request.method());
            response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.bytes()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.type());
            length = asset.bytes().length; // for HEAD too: what GET would send
        }
        response.headers().set(HttpHeaderNames.ETAG, asset.etag());
        write(ctx, response, keepAlive, length);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        write(ctx, response, keepAlive, response.content().readableBytes());
    }

    private static Asset asset(String path) {
        if (!SAFE_PATH.matcher(path).matches() || path.contains("..")) {
            return MISSING;
        }
        return CACHE.computeIfAbsent(path, WebPages::load);
    }

    private static Asset load(String path) {
        String extension = path.substring(path.lastIndexOf('.') + 1);
        String type = TYPES.get(extension);
        if (type == null) {
            return MISSING;
        }
        try (InputStream in = WebPages.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                return MISSING;
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12) + "\"";
            return new Asset(bytes, type, etag);
        } catch (IOException | NoSuchAlgorithmException e) {
            return MISSING;
        }
    }

    private static FullHttpResponse plain(HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                status, Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, long length) {
        HttpUtil.setContentLength(response, length);
        var headers = response.headers();
        // Revalidated on every load (ETag), so a hub upgrade shows at once.
        headers.set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        if (keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
