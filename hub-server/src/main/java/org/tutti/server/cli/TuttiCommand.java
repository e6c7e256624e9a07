package org.tutti.server.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tutti.mixer.PatchMode;
import org.tutti.mixer.dsp.Concealment;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.server.Hub;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.HubInput;
import org.tutti.server.engine.HubInputs;
import org.tutti.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tutti}: the command line. Options shared with {@code jacktrip -S} keep its names and
 * meanings; every option can also be set in a config file under its long name.
 */
@Command(name = "tutti", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "A JackTrip-compatible hub: unmodified JackTrip clients connect as to 'jacktrip -S',",
            "and every participant gets their own monitor mix. Runs on its own clock; no JACK needed.",
            ""},
        footer = {"",
            "Config file: --config FILE, Java properties with long option names as keys",
            "(hubpatch=4, queue=3, udpbaseport=61002, ...). Command-line options win.",
            "Docs: docs/operations.md"})
public final class TuttiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Read option defaults from FILE.")
    Path config;

    @Option(names = {"-S", "--server"}, description = "Accepted for 'jacktrip -S' compatibility; Tutti is always a hub.")
    boolean server;

    @Option(names = {"-o", "--offset"}, paramLabel = "N", defaultValue = "0",
            description = "Move the TCP port to 4464+N and the UDP base to 61002+N, as JackTrip does.")
    int offset;

    @Option(names = {"-B", "--bindport"}, paramLabel = "PORT", description = "TCP handshake port (default 4464 + offset).")
    Integer bindPort;

    @Option(names = {"-U", "--udpbaseport"}, paramLabel = "PORT",
            description = "First participant UDP port; participant k gets PORT+k (default 61002 + offset).")
    Integer udpBasePort;

    @Option(names = {"-p", "--hubpatch"}, paramLabel = "MODE",
            description = {"Who hears whom (JackTrip's patch modes): 0 hub input to clients (default),",
                "1 client loopback, 2 everyone but me, 3 reserved (as 5), 4 full mix, 5 no auto patching."})
    int hubPatch;

    @Option(names = {"-i", "--includeserver"}, description = "With -p 2 or 4, also mix the hub's own input to everyone.")
    boolean includeServer;

    @Option(names = {"-u", "--upmix"}, description = "Send mono clients' audio to both channels of stereo listeners.")
    boolean upmix;

    @Option(names = {"-q", "--queue"}, paramLabel = "PACKETS|auto",
            description = {"Jitter-buffer depth in the client's packets (default ${DEFAULT-VALUE}), or auto:",
                "follow the measured arrival spread plus --queue-margin-ms."})
    String queue;

    @Option(names = "--queue-margin-ms", paramLabel = "MS",
            description = "With -q auto: safety margin on top of the measured spread (default ${DEFAULT-VALUE}).")
    double queueMarginMillis;

    @Option(names = "--concealment", paramLabel = "HOW",
            description = "Filling missing audio: burg (prediction, default), fade (repeat and fade) or silence.")
    String concealment;

    @Option(names = {"-z", "--zerounderrun"}, description = "Fill missing audio with silence (--concealment silence).")
    boolean zeroUnderrun;

    @Option(names = "--refuse-other-rates", description = "Refuse clients at another sample rate, as JackTrip does,"
            + " instead of converting their audio.")
    boolean refuseOtherRates;

    @Option(names = "--queue-ms", paramLabel = "MS",
            description = "Jitter-buffer depth in milliseconds instead of packets.")
    double queueMillis;

    @Option(names = {"-b", "--bitres"}, paramLabel = "BITS",
            description = "Require this bit resolution (8, 16, 24, 32) and refuse others, as JackTrip does."
                    + " Default: accept all four and answer each client in its own.")
    Integer bitResolution;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", arity = "0..1",
            fallbackValue = "" + HubConfig.DEFAULT_SESSION_TIMEOUT_SECONDS,
            description = "End a session after this much silence (default ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--first-audio-timeout", paramLabel = "SECONDS",
            description = "End a session with no datagram this long after its handshake (default ${DEFAULT-VALUE}).")
    double firstAudioTimeoutSeconds;

    @Option(names = {"-r", "--redundancy"}, paramLabel = "auto|R",
            description = {"Packets per datagram sent to each client: auto (default) sends each client the"
                    + " redundancy it sends, which is what it reads, so a lost datagram is recovered from the next;",
                    "1..4 sends that many to everyone (1 = JackTrip's hub). Any client's own redundancy is always read."})
    String redundancy;

    @Option(names = "--rate", paramLabel = "HZ", description = "Sample rate (default ${DEFAULT-VALUE}).")
    int sampleRate;

    @Option(names = "--period", paramLabel = "FRAMES",
            description = "Frames per period; one packet per participant per period (default ${DEFAULT-VALUE}).")
    int period;

    @Option(names = "--hub-input", paramLabel = "SPEC",
            description = "The hub's own input for -p 0 and -i: silence, tone[:HZ[:DBFS]] or wav:PATH.")
    String hubInput;

    @Option(names = "--max-participants", paramLabel = "N",
            description = "Participant slots (default ${DEFAULT-VALUE}).")
    int maxParticipants;

    @Option(names = "--max-channels", paramLabel = "N",
            description = "Largest channel count accepted from a client (default ${DEFAULT-VALUE}).")
    int maxChannels;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Listen on this address only (default: all).")
    String bind;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "Network transport: auto (io_uring where the kernel allows it, else epoll, else nio), io_uring, epoll, nio.")
    String transport;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Network threads for audio datagrams (default ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--name-wait-ms", paramLabel = "MS",
            description = "Wait this long for a client's name after its port before treating it as a"
                    + " legacy 4-byte request (default ${DEFAULT-VALUE}).")
    long nameWaitMillis;

    @Option(names = "--spin-us", paramLabel = "MICROS",
            description = "The embedded clock spins this long before each period instead of sleeping"
                    + " (default ${DEFAULT-VALUE}; 0 = never spin).")
    int spinMicros;

    @Option(names = "--realtime-priority", paramLabel = "N",
            description = "SCHED_FIFO priority of the engine thread with the embedded clock, as JACK's -P"
                    + " (default ${DEFAULT-VALUE}; 0 = normal scheduling). Needs root, CAP_SYS_NICE or LimitRTPRIO;"
                    + " without them the hub warns and runs on.")
    int realtimePriority;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Control API and /metrics port (default ${DEFAULT-VALUE}; 0 = off).")
    int httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS",
            description = "Address the control API listens on (default ${DEFAULT-VALUE}: this machine only).")
    String httpBind;

    @Option(names = "--http-tls-cert", paramLabel = "FILE", description = "PEM certificate (chain) for HTTPS on the"
            + " control port: the pages, the API and /metrics (with --http-tls-key; see docs/operations.md).")
    java.nio.file.Path httpTlsCert;

    @Option(names = "--http-tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8, unencrypted)"
            + " for --http-tls-cert.")
    java.nio.file.Path httpTlsKey;

    @Option(names = "--jack", description = "Run on a JACK server: one JACK client, ports per participant;"
            + " rate and period come from JACK (see docs/jack.md).")
    boolean jack;

    @Option(names = "--jack-server", paramLabel = "NAME", description = "JACK server to join (default: the default server).")
    String jackServer;

    @Option(names = "--jack-name", paramLabel = "NAME",
            description = "Tutti's JACK client name (default ${DEFAULT-VALUE}).")
    String jackName;

    @Option(names = "--jack-ports", paramLabel = "all|none|NAMES",
            description = {"With --jack: who gets JACK ports: all (default), none, or names and patterns,",
                "comma-separated (alice,soprano-*). The operator changes it at run time (PUT /api/jack/ports)."})
    String jackPorts;

    @Option(names = "--jack-engine", paramLabel = "async|sync",
            description = {"With --jack: async (default) runs the engine on a thread of its own and JACK's",
                "callback only exchanges audio with it, so the engine's work no longer counts against JACK's",
                "deadline (JVM pauses still do); audio from participants reaches JACK a cycle later.",
                "sync runs the engine in JACK's callback."})
    String jackEngine;

    @Option(names = "--jack-aliases", negatable = true, fallbackValue = "true",
            description = "Also name participant ports as JackTrip does (alice:receive_1); default on.")
    boolean jackAliases;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the hub keeps its state (default ${DEFAULT-VALUE}).")
    Path stateDirectory;

    @Option(names = "--record-dir", paramLabel = "DIR",
            description = {"Where recorded takes go, a folder per take (default: recordings in the state",
                "directory). Takes are started and stopped from the operator page or the API."})
    Path recordDirectory;

    @Option(names = "--record-mix", paramLabel = "auto|unity",
            description = {"The mix file of a take: auto (default) is the mix master's mix while that mode",
                "is on and everyone at unity otherwise; unity is always everyone at unity."})
    String recordMix;

    @Option(names = {"-A", "--auth"}, description = {"Clients must log in, as with jacktrip -S -A: TLS on the",
        "handshake port, usernames and passwords from --credsfile."})
    boolean auth;

    @Option(names = "--certfile", paramLabel = "FILE", description = "With -A: the PEM certificate for the handshake's TLS.")
    Path certFile;

    @Option(names = "--keyfile", paramLabel = "FILE", description = "With -A: the PEM private key (unencrypted) for it.")
    Path keyFile;

    @Option(names = "--credsfile", paramLabel = "FILE",
            description = {"With -A: JackTrip's credentials file, user:$6$salt$hash:times per line",
                "(openssl passwd -6 makes the hash); read again when it changes."})
    Path credsFile;

    /** Set by {@link Main} to get at the running hub in tests. */
    volatile Hub hub;
    private final CountDownLatch stopped = new CountDownLatch(1);

    HubConfig toConfig() {
        try {
            HubConfig.Builder b = HubConfig.builder().portOffset(offset);
            if (bindPort != null) {
                b.tcpPort = bindPort;
                if (udpBasePort == null) {
                    b.udpBasePort = HubConfig.DEFAULT_UDP_BASE + (bindPort - HubConfig.DEFAULT_TCP_PORT);
                }
            }
            if (udpBasePort != null) {
                b.udpBasePort = udpBasePort;
            }
            b.patchMode = PatchMode.fromNumber(hubPatch);
            b.includeServer = includeServer;
            b.upmix = upmix;
            if (queue.strip().equalsIgnoreCase("auto")) {
                b.queueAuto = true;
            } else {
                try {
                    b.queuePackets = Integer.parseInt(queue.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--queue must be a number of packets or auto: " + queue);
                }
            }
            b.queueMarginMillis = queueMarginMillis;
            b.concealment = zeroUnderrun ? Concealment.SILENCE : Concealment.parse(concealment);
            b.refuseOtherRates = refuseOtherRates;
            b.queueMillis = queueMillis;
            if (bitResolution != null) {
                b.requiredResolution = BitResolution.fromBits(bitResolution);
                if (b.requiredResolution == null) {
                    throw new IllegalArgumentException("bit resolution must be 8, 16, 24 or 32: " + bitResolution);
                }
            }
            b.sessionTimeout = seconds("timeout", timeoutSeconds);
            b.firstAudioTimeout = seconds("first-audio-timeout", firstAudioTimeoutSeconds);
            b.sampleRate = sampleRate;
            b.periodFrames = period;
            b.hubInput = HubInput.parse(hubInput);
            HubInputs.open(b.hubInput, sampleRate); // fail now, not at start-up
            b.maxParticipants = maxParticipants;
            b.maxChannels = maxChannels;
            b.bindAddress = bind;
            b.transport = Transport.parse(transport);
            b.ioThreads = ioThreads;
            b.nameWait = Duration.ofMillis(nameWaitMillis);
            b.spinMicros = spinMicros;
            b.realtimePriority = realtimePriority;
            b.stateDirectory = stateDirectory;
            b.recordDirectory = recordDirectory;
            b.auth = auth;
            b.certFile = certFile;
            b.keyFile = keyFile;
            b.credsFile = credsFile;
            b.recordMix = recordMix.strip().toLowerCase(Locale.ROOT);
            b.httpPort = httpPort;
            b.httpBind = httpBind;
            b.httpTlsCert = httpTlsCert;
            b.httpTlsKey = httpTlsKey;
            b.jack = jack;
            b.jackServer = jackServer;
            b.jackClientName = jackName;
            b.jackAliases = jackAliases;
            b.jackPorts = jackPorts;
            b.jackEngine = jackEngine.strip().toLowerCase(Locale.ROOT);
            b.sendRedundancy = parseRedundancy(redundancy);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static Duration seconds(String name, double value) {
        if (!(value > 0) || value > 86400) {
            throw new IllegalArgumentException("--" + name + " must be between 0 and 86400 seconds: " + value);
        }
        return Duration.ofNanos(Math.round(value * 1e9));
    }

    @Override
    public Integer call() throws Exception {
        HubConfig hubConfig = toConfig();
        hub = Hub.start(hubConfig);
        Thread shutdown = new Thread(() -> {
            hub.close();
            stopped.countDown();
        }, "tutti-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        stopped.await();
        return 0;
    }

    /** {@code auto} → 0, else 1..{@link HubConfig#MAX_SEND_REDUNDANCY}. */
    static int parseRedundancy(String value) {
        if (value.strip().equalsIgnoreCase("auto")) {
            return 0;
        }
        try {
            int r = Integer.parseInt(value.strip());
            if (r >= 1 && r <= HubConfig.MAX_SEND_REDUNDANCY) {
                return r;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--redundancy must be auto or 1.." + HubConfig.MAX_SEND_REDUNDANCY + ": "
                + value);
    }
}
