package org.tutti.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.recording.Recorder;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionManager;
import org.tutti.server.web.LiveFeed;
import org.tutti.server.web.LiveSocketHandler;
import org.tutti.server.web.TlsFailureLogger;
import org.tutti.server.web.WebPages;

/**
 * The control port (default 127.0.0.1 only): the JSON API, {@code /metrics}, the web pages and their
 * live WebSocket, over HTTP or, with a certificate, HTTPS. Runs on the control event loop, which is
 * also the conductor thread, so routes touch session and mix state without locks.
 */
public final class HttpApiServer implements AutoCloseable {
    /** Request bodies are small JSON documents. */
    private static final int MAX_BODY = 64 * 1024;
    /** Pages send one small message (their token); anything bigger is not a page. */
    private static final int MAX_WEBSOCKET_FRAME = 4096;
    public static final String LIVE_PATH = "/api/live";
    /** A TLS handshake that has not finished by then is a stalled or hostile client. */
    public static final long TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final Router router = new Router();
    private final Tokens tokens;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final ApiStats stats = new ApiStats();
    private final LiveFeed live;
    private Supplier<Map<String, Object>> hubHealth = Map::of;
    private volatile Supplier<Map<String, Object>> publicHealth = () -> Map.of("status", "ok");
    private Channel channel;

    /** @param jackPorts participants' JACK ports with {@code --jack}, else null */
    public HttpApiServer(SessionManager sessions, HubEngine engine, Tokens tokens, int sampleRate, Runnable changed,
                         org.tutti.server.jack.ParticipantPorts jackPorts, Recorder recorder,
                         org.tutti.server.auth.HubAuthentication auth) {
        this.tokens = tokens;
        Runnable afterChange = () -> {
            sessions.publishSnapshot();
            changed.run();
        };
        new ParticipantRoutes(sessions, engine, tokens, sampleRate, changed, () -> publicHealth.get()).register(router);
        new MixRoutes(sessions, afterChange).register(router);
        new SectionRoutes(sessions, afterChange).register(router);
        new AccessRoutes(sessions, tokens, changed).register(router);
        new JackRoutes(jackPorts).register(router);
        new RecordingRoutes(recorder).register(router);
        new LoginRoutes(sessions, tokens, auth).register(router);
        this.live = new LiveFeed(sessions, engine, new LiveFeed.Views() {
            @Override
            public Map<String, Object> participant(Participant participant, boolean withAddress) {
                return ParticipantView.of(participant, engine, sampleRate, withAddress);
            }

            @Override
            public Map<String, Object> mix(String name) {
                return MixView.of(sessions, name);
            }

            @Override
            public Map<String, Object> masterMix() {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("name", null);
                view.put("settings", sessions.mixes().book().operatorMix());
                view.put("mixMaster", sessions.mixes().book().master());
                return view;
            }

            @Override
            public Map<String, Object> sections() {
                return SectionRoutes.sections(sessions);
            }

            @Override
            public Map<String, Object> recording(boolean operator) {
                return RecordingRoutes.view(recorder, operator);
            }
        }, () -> hubHealth.get(), json, sampleRate);
    }

    public ApiStats stats() {
        return stats;
    }

    public LiveFeed live() {
        return live;
    }

    /** What the operator's page shows of the hub itself (engine, kernel), refreshed once a second. */
    public void hubHealth(Supplier<Map<String, Object>> health) {
        this.hubHealth = health;
    }

    /** What {@code GET /api/health} answers anyone (it must say nothing an operator alone may know). */
    public void publicHealth(Supplier<Map<String, Object>> health) {
        this.publicHealth = health;
    }

    /** @param tls HTTPS when not null */
    public void bind(EventLoopGroup group, io.netty.channel.ChannelFactory<? extends io.netty.channel.ServerChannel>
            channels, InetAddress address, int port, Supplier<String> metrics, SslContext tls)
            throws InterruptedException {
        WebSocketServerProtocolConfig webSocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(LIVE_PATH)
                .maxFramePayloadLength(MAX_WEBSOCKET_FRAME)
                .handshakeTimeoutMillis(10_000)
                .build();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channelFactory(channels)
                .option(ChannelOption.SO_REUSEADDR, true)
                // A page that cannot keep up stops being written to (LiveFeed skips it) long before this fills.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            var ssl = tls.newHandler(ch.alloc());
                            ssl.setHandshakeTimeoutMillis(TLS_HANDSHAKE_TIMEOUT_MILLIS);
                            ch.pipeline().addLast(ssl).addLast(new TlsFailureLogger(stats.tlsFailures));
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(60))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new WebSocketServerProtocolHandler(webSocket))
                                .addLast(new LiveSocketHandler(live, tokens, json, stats))
                                .addLast(new WebPages())
                                .addLast(new ApiHandler(router, tokens, json, stats, metrics));
                    }
                });
        channel = bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        live.close();
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
