package org.tutti.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.session.SessionManager;

/**
 * The control API on one HTTP port (default 127.0.0.1 only). Runs on the control event loop, which
 * is also the conductor thread, so routes touch session and mix state without locks.
 */
public final class HttpApiServer implements AutoCloseable {
    /** Request bodies are small JSON documents. */
    private static final int MAX_BODY = 64 * 1024;

    private final Router router = new Router();
    private final Tokens tokens;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final ApiStats stats = new ApiStats();
    private Channel channel;

    /** @param jackPorts participants' JACK ports with {@code --jack}, else null */
    public HttpApiServer(SessionManager sessions, HubEngine engine, Tokens tokens, int sampleRate, Runnable changed,
                         org.tutti.server.jack.ParticipantPorts jackPorts) {
        this.tokens = tokens;
        Runnable afterChange = () -> {
            sessions.publishSnapshot();
            changed.run();
        };
        new ParticipantRoutes(sessions, engine, tokens, sampleRate, changed).register(router);
        new MixRoutes(sessions, afterChange).register(router);
        new JackRoutes(jackPorts).register(router);
    }

    public ApiStats stats() {
        return stats;
    }

    public void bind(EventLoopGroup group, io.netty.channel.ChannelFactory<? extends io.netty.channel.ServerChannel>
            channels, InetAddress address, int port, Supplier<String> metrics) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channelFactory(channels)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(60))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
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
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
