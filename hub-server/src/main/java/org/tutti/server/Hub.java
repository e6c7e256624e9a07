package org.tutti.server;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.server.auth.HubAuthentication;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.AudioFormat;
import org.tutti.server.engine.AudioServer;
import org.tutti.server.engine.EmbeddedClockServer;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.engine.HubInputs;
import org.tutti.server.engine.PeriodTimings;
import org.tutti.server.engine.SlotLayout;
import org.tutti.mixer.PatchMode;
import org.tutti.server.mix.MixBook;
import org.tutti.server.mix.MixModel;
import org.tutti.server.mix.Preset;
import org.tutti.server.api.HttpApiServer;
import org.tutti.server.api.Tokens;
import org.tutti.server.web.ControlTls;
import org.tutti.server.web.HubHealth;
import org.tutti.server.jack.JackSupervisor;
import org.tutti.server.jack.ParticipantPorts;
import org.tutti.server.jack.PortPolicy;
import org.tutti.server.metrics.HubMetrics;
import org.tutti.server.net.HandshakeServer;
import org.tutti.server.state.SavedState;
import org.tutti.server.state.StatePersister;
import org.tutti.server.state.StateStore;
import org.tutti.server.net.NettyOutbox;
import org.tutti.server.net.UdpEndpoints;
import org.tutti.server.osc.OscControlServer;
import org.tutti.server.recording.Recorder;
import org.tutti.server.session.SessionManager;
import org.tutti.server.session.StreamFactory;
import org.tutti.transport.Transport;

/**
 * A running hub: wires the network, the session manager, the mixer engine and its audio server.
 *
 * <p>Threads: one control event loop (handshakes and the conductor), {@code ioThreads} network
 * loops for audio datagrams, and the audio server's real-time thread. None grow with participants.
 */
public final class Hub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("tutti");
    /** The embedded server's own input and output channels (the "system" ports of a JACK hub). */
    public static final int HUB_CHANNELS = 2;

    private final HubConfig config;
    private final Transport transport;
    private final EventLoopGroup controlGroup;
    private final EventLoopGroup audioGroup;
    private final HubEngine engine;
    private final SessionManager sessions;
    private final HandshakeServer handshakes;
    private final PeriodTimings timings;
    private final AudioServer audioServer;
    /** Participants' JACK ports with {@code --jack}, else null. */
    private final ParticipantPorts jackPorts;
    private final MixBook mixBook;
    private final StateStore stateStore;
    private final StatePersister persister;
    private final Tokens tokens;
    private final HttpApiServer api;
    private final HubMetrics metrics;
    private final Recorder recorder;
    /** With {@code -A}; else null. */
    private final HubAuthentication auth;
    /** JackTrip 2.x's OSC latency query; null if its port was taken. */
    private OscControlServer osc;

    private Hub(HubConfig requested, AudioServer audioServerOrNull) throws Exception {
        InetAddress bind = parseBind(requested.bindAddress());
        try {
            // First, before anything holds a resource: a bad certificate, key or credentials file stops the start.
            this.auth = requested.auth() ? HubAuthentication.load(requested.certFile(), requested.keyFile(),
                    requested.credsFile()) : null;
        } catch (IllegalArgumentException e) {
            throw new HubStartException(e.getMessage(), e);
        }
        var inputSource = HubInputs.open(requested.hubInput(), requested.sampleRate());
        this.timings = new PeriodTimings(new AudioFormat(requested.sampleRate(), requested.periodFrames())
                .periodNanos() / 2);
        JackSupervisor jack = requested.jack() && audioServerOrNull == null ? joinJack(requested, timings) : null;
        HubConfig config = requested;
        if (jack != null) {
            // With JACK, the rate and period are JACK's; participants must match its rate.
            HubConfig.Builder b = requested.toBuilder();
            b.sampleRate = jack.format().sampleRate();
            b.periodFrames = jack.format().periodFrames();
            config = b.build();
        }
        this.config = config;
        AudioFormat format = new AudioFormat(config.sampleRate(), config.periodFrames());
        this.mixBook = new MixBook(Preset.of(config.patchMode(), config.includeServer()));
        this.stateStore = new StateStore(config.stateDirectory());
        this.tokens = Tokens.load(config.stateDirectory(), config.httpPort() > 0);
        restoreState();
        this.persister = new StatePersister(stateStore);
        this.transport = config.transport();
        transport.ensureAvailable();
        this.controlGroup = transport.newGroup(1, "tutti-control");
        this.audioGroup = transport.newGroup(config.ioThreads(), "tutti-net");
        SlotLayout layout = new SlotLayout(config.maxParticipants());
        this.engine = new HubEngine(layout, config.maxChannels(), format, new NettyOutbox(audioGroup));
        boolean hubOutput = config.patchMode() == PatchMode.SERVER_TO_CLIENTS
                || config.includeServer() && config.patchMode().acceptsIncludeServer();
        MixModel mixes = new MixModel(mixBook, config.upmix(), hubOutput, layout, config.periodFrames());
        mixes.hubChannels(HUB_CHANNELS, HUB_CHANNELS);
        DatagramValidator validator = new DatagramValidator(config.sampleRate(), !config.refuseOtherRates(),
                config.requiredResolution() == null ? DatagramValidator.ALL_RESOLUTIONS
                        : DatagramValidator.maskOf(config.requiredResolution()),
                config.maxChannels(), DatagramValidator.DEFAULT_MAX_FRAMES);
        StreamFactory streams = new StreamFactory(config);
        engine.onPeriodStart(streams.concealment()::newPeriod);
        UdpEndpoints udp = new UdpEndpoints(audioGroup, transport, bind, validator);
        this.sessions = new SessionManager(config, controlGroup.next(), udp, streams, engine, mixes);
        this.recorder = new Recorder(config.recordingsDirectory(), config.sampleRate(), config.periodFrames(),
                layout.size(), sessions, Recorder.MixChoice.valueOf(config.recordMix().toUpperCase(java.util.Locale.ROOT)));
        sessions.taps(recorder);
        sessions.addListener(recorder);
        this.handshakes = new HandshakeServer(controlGroup, transport, sessions, config.nameWait(),
                config.handshakeDeadline(), config.maxPendingHandshakes(), auth);
        if (jack != null) {
            ParticipantPorts ports = new ParticipantPorts(sessions, layout.participants(),
                    new AudioFormat(config.sampleRate(), config.periodFrames()),
                    config.jackAliases(), PortPolicy.parse(config.jackPorts()), "async".equals(config.jackEngine()));
            sessions.addListener(ports);
            sessions.returns(ports);
            jack.ports(ports);
            this.jackPorts = ports;
            this.audioServer = jack;
        } else {
            this.jackPorts = null;
            this.audioServer = audioServerOrNull != null ? audioServerOrNull
                    : new EmbeddedClockServer(format, HUB_CHANNELS, HUB_CHANNELS, inputSource,
                            TimeUnit.MICROSECONDS.toNanos(config.spinMicros()), timings)
                            .realtimePriority(config.realtimePriority());
        }
        this.api = config.httpPort() > 0 ? new HttpApiServer(sessions, engine, tokens, config.sampleRate(),
                this::saveState, jackPorts, recorder, auth) : null;
        this.metrics = new HubMetrics(config, sessions, engine, timings, handshakes.stats(),
                api == null ? null : api.stats(), api == null ? null : api.live().stats(),
                api == null ? () -> 0 : api.live()::pages);
        metrics.stateWrites(persister);
        metrics.recording(recorder);
        if (api != null) {
            api.hubHealth(new HubHealth(timings, metrics::kernelDrops, format, persister::status));
            boolean logins = auth != null;
            api.publicHealth(() -> {
                Map<String, Object> health = HubHealth.publicView(persister.status());
                health.put("logins", logins); // the mixer page then offers JackTrip's username and password
                return health;
            });
        }
        try {
            sessions.start();
            HubConfig settings = config;
            listen("the handshake port (TCP " + settings.tcpPort() + "; change it with -B or -o)",
                    () -> handshakes.bind(bind, settings.tcpPort()));
            osc = OscControlServer.bind(controlGroup, transport, handshakes.localAddress().getPort(), sessions);
            if (osc != null) {
                metrics.osc(osc.stats());
            }
            if (api != null) {
                listen("the control API port (TCP " + settings.httpPort() + "; change it with --http-port)",
                        () -> api.bind(controlGroup, transport.serverChannelFactory(),
                                InetAddress.getByName(settings.httpBind()), settings.httpPort(), metrics::scrape,
                                ControlTls.load(settings.httpTlsCert(), settings.httpTlsKey())));
            }
            audioServer.start(engine);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
        LOG.info("Tutti hub on TCP {} (UDP from {}), {}, patch mode {} ({}){}{}, transport {}{}",
                handshakes.localAddress().getPort(), config.udpBasePort(), audioServer.describe(),
                config.patchMode().number(), config.patchMode().label(),
                mixes.usesHubInput() ? ", hub input " + config.hubInput().spec() : "", config.upmix() ? ", upmix" : "",
                transport.label(),
                api == null ? ", control API off" : ", control API and pages on "
                        + (config.httpTlsCert() == null ? "http://" : "https://") + config.httpBind() + ":"
                        + api.localAddress().getPort());
    }

    private static JackSupervisor joinJack(HubConfig config, PeriodTimings timings) throws HubStartException {
        boolean systemPorts = config.patchMode() == PatchMode.SERVER_TO_CLIENTS
                || config.includeServer() && config.patchMode().acceptsIncludeServer();
        try {
            return JackSupervisor.connect(new JackSupervisor.Settings(config.jackServer(), config.jackClientName(),
                    HUB_CHANNELS, systemPorts, TimeUnit.MICROSECONDS.toNanos(config.spinMicros()),
                    config.realtimePriority(), "async".equals(config.jackEngine())), timings);
        } catch (org.jaudiolibs.jnajack.JackException | RuntimeException | UnsatisfiedLinkError e) {
            String server = config.jackServer() == null ? "the default JACK server" : "JACK server '"
                    + config.jackServer() + "'";
            throw new HubStartException("cannot join " + server + " (" + e.getMessage() + "). Is it running?"
                    + " Start it (e.g. jackd -d alsa) or run Tutti without --jack", e);
        }
    }

    private interface Binding {
        void bind() throws Exception;
    }

    /** Binds, turning "address in use" into a message that says which port and what to do. */
    private static void listen(String what, Binding binding) throws Exception {
        try {
            binding.bind();
        } catch (Exception e) {
            if (e instanceof java.net.BindException || String.valueOf(e.getMessage()).contains("in use")) {
                throw new HubStartException("cannot listen on " + what + ": " + e.getMessage()
                        + " (is another hub running?)", e);
            }
            throw e;
        }
    }

    /** A start-up failure whose message says everything; no stack trace needed. */
    public static final class HubStartException extends Exception {
        HubStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void restoreState() {
        stateStore.load().ifPresent(state -> {
            mixBook.restore(state.defaultPreset(), state.listeners(), state.operatorMix(), state.mixMaster(),
                    state.sections());
            tokens.restore(state.participantTokens());
            LOG.info("restored {} personal mixes from {}", state.listeners().size(), stateStore.file());
        });
    }

    /** Queues the current mixes and tokens for writing (conductor thread). */
    private void saveState() {
        persister.submit(new SavedState(SavedState.VERSION, mixBook.defaultPreset(), mixBook.master(),
                mixBook.operatorMix(), mixBook.all(), tokens.participantHashes(), mixBook.assignedSections()));
    }

    /** Starts a hub on the embedded clock. */
    public static Hub start(HubConfig config) throws Exception {
        return new Hub(config, null);
    }

    /** Starts a hub driven by {@code audioServer} (tests use a manual clock). */
    public static Hub start(HubConfig config, AudioServer audioServer) throws Exception {
        return new Hub(config, audioServer);
    }

    private static InetAddress parseBind(String address) throws UnknownHostException {
        return address == null || address.isBlank() ? null : InetAddress.getByName(address);
    }

    public HubConfig config() {
        return config;
    }

    public SessionManager sessions() {
        return sessions;
    }

    /** Participants' JACK ports with {@code --jack}, else null. */
    public ParticipantPorts jackPorts() {
        return jackPorts;
    }

    /** What drives the engine: the embedded clock, or JACK ({@link JackSupervisor}). */
    public AudioServer audioServer() {
        return audioServer;
    }

    public HubEngine engine() {
        return engine;
    }

    public MixBook mixBook() {
        return mixBook;
    }

    public PeriodTimings timings() {
        return timings;
    }

    public HandshakeServer handshakes() {
        return handshakes;
    }

    public InetSocketAddress tcpAddress() {
        return handshakes.localAddress();
    }

    /** The control API's address, or null when it is off. */
    public InetSocketAddress apiAddress() {
        return api == null ? null : api.localAddress();
    }

    public HttpApiServer api() {
        return api;
    }

    public HubMetrics metrics() {
        return metrics;
    }

    public Recorder recorder() {
        return recorder;
    }

    /** Ends all sessions with exit packets, then stops everything. */
    @Override
    public void close() {
        handshakes.close();
        if (osc != null) {
            osc.close();
        }
        if (api != null) {
            api.close();
        }
        try {
            sessions.shutdown().await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (recorder != null) {
            recorder.close();
        }
        if (auth != null) {
            auth.close();
        }
        audioServer.stop();
        if (persister != null) {
            persister.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        audioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        controlGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        LOG.info("Tutti hub stopped");
    }
}
