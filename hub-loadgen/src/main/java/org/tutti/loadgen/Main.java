package org.tutti.loadgen;

import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tutti.protocol.udp.BitResolution;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loadgen}: the command line of {@link LoadGenerator}. */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        description = {
            "Simulates N JackTrip clients against a hub (Tutti, 'jacktrip -S', the",
            "reflector) with the real protocol: a TCP handshake per client (68 bytes,",
            "name PREFIXnnn), then audio over UDP at real-time pace from one local port",
            "per client. Checks what comes back, measures round-trip latency and its",
            "own CPU time, prints a summary and optionally writes JSON or TSV results.",
            ""},
        footer = {"",
            "Signals: channel 1 = a per-client sample-counter ramp (loopback, none) that",
            "shows every lost or repeated sample and dates each returned sample;",
            "channel 2 = a per-client tone on a 10 Hz grid. In mix mode every channel",
            "carries the tone and one client at a time adds a timing marker.",
            "Churn (--churn-rate): clients chNNNN join and leave during the run; results",
            "keep the steady clients' figures apart from theirs, per window.",
            "Exit status: 0 if every steady client connected, 1 otherwise, 2 on bad options.",
            "See hub-loadgen/README.md for every option and output field."})
public final class Main implements Callable<Integer> {
    @Option(names = {"-H", "--host"}, paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Hub host (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-P", "--port"}, paramLabel = "PORT", defaultValue = "4464",
            description = "Hub TCP handshake port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = {"-n", "--clients"}, paramLabel = "N", defaultValue = "1",
            description = "Number of simulated clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = {"-B", "--local-port"}, paramLabel = "PORT", defaultValue = "0",
            description = "Client k binds UDP PORT+k; 0 = a free port per client (default ${DEFAULT-VALUE}).")
    int localPort;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Local address of the UDP sockets (default: all).")
    String bind;

    @Option(names = {"-r", "--rate"}, paramLabel = "HZ", defaultValue = "48000",
            description = "Sample rate (default ${DEFAULT-VALUE}); must match the hub's.")
    int rate;

    @Option(names = {"-F", "--frames"}, paramLabel = "FRAMES", defaultValue = "128",
            description = "Frames per packet, the client's period (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = {"-c", "--channels"}, paramLabel = "N", defaultValue = "2",
            description = "Channels sent and wanted back (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = {"-b", "--bits"}, paramLabel = "BITS", defaultValue = "16",
            description = "Bit resolution 8, 16, 24 or 32 (default ${DEFAULT-VALUE}); must match the hub's -b.")
    int bits;

    @Option(names = {"-R", "--redundancy"}, paramLabel = "R", defaultValue = "1",
            description = "Packets per datagram, newest first, as 'jacktrip -r R' (default ${DEFAULT-VALUE}).")
    int redundancy;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "Measured time, after ramp-up and warm-up (default ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "1",
            description = "Time after the last client started before measuring (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--ramp", paramLabel = "PER_SECOND", defaultValue = "20",
            description = "Clients started per second; 0 = as fast as handshakes go (default ${DEFAULT-VALUE}).")
    double ramp;

    @Option(names = {"-e", "--expect"}, paramLabel = "MODE", defaultValue = "loopback",
            description = "What the hub sends back (default ${DEFAULT-VALUE}): loopback = own audio "
                + "(-p 1, the reflector), checks ramp continuity and RTT; mix = others' audio (-p 2, -p 4), "
                + "checks the next client's tone and marker latency; none = counts packets only.")
    String expect;

    @Option(names = "--loss", paramLabel = "PERCENT", defaultValue = "0",
            description = "Sender skips this share of packets (sequence numbers and audio are lost).")
    double loss;

    @Option(names = "--jitter", paramLabel = "MS", defaultValue = "0",
            description = "Random extra send delay per packet, uniform 0..MS (packet order kept).")
    double jitter;

    @Option(names = "--reorder", paramLabel = "PERCENT", defaultValue = "0",
            description = "This share of packets is held back and sent right after the next one.")
    double reorder;

    @Option(names = "--drift", paramLabel = "PPM", defaultValue = "0",
            description = "Send-rate offset of every client: rate x (1 + PPM*1e-6).")
    double drift;

    @Option(names = "--drift-spread", paramLabel = "PPM", defaultValue = "0",
            description = "Plus a per-client offset drawn uniformly from +-PPM.")
    double driftSpread;

    @Option(names = "--drift-clients", paramLabel = "K", defaultValue = "0",
            description = "Apply --drift and --drift-spread to clients 0..K-1 only (e.g. one fast sound card among many); 0 = all.")
    int driftClients;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--name-prefix", paramLabel = "TEXT", defaultValue = "lg",
            description = "Client k is named TEXTkkk on the hub (default ${DEFAULT-VALUE}).")
    String namePrefix;

    @Option(names = "--phases", paramLabel = "N", defaultValue = "8",
            description = "Spread clients over N send phases per period; 1 = all send at once (default ${DEFAULT-VALUE}).")
    int phases;

    @Option(names = "--marker-interval", paramLabel = "MS", defaultValue = "100",
            description = "Mix mode: one marker impulse per MS, from each client in turn (default ${DEFAULT-VALUE}).")
    int markerInterval;

    @Option(names = "--tone-level", paramLabel = "AMPLITUDE",
            description = "Tone amplitude per client (default 0.25; mix mode 0.5/N, at most 0.25).")
    Double toneLevel;

    @Option(names = "--ramp-tolerance", paramLabel = "CODES", defaultValue = "0",
            description = "Loopback: returned ramp samples may be off by this many codes (default ${DEFAULT-VALUE}).")
    int rampTolerance;

    @Option(names = "--playout", paramLabel = "PACKETS", defaultValue = "4",
            description = "Each client's simulated playout buffer: a packet arriving more than PACKETS periods behind "
                    + "schedule is an underrun (default ${DEFAULT-VALUE}, JackTrip's default -q).")
    int playout;

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "0",
            description = "Print a progress line every SECONDS (also kept in the results' timeline); 0 = off.")
    double interval;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "Write results to FILE: JSON, or TSV if FILE ends in .tsv.")
    Path out;

    @Option(names = "--io", paramLabel = "KIND", defaultValue = "nio",
            description = "Socket layer: nio (java.nio, one sender and one receiver thread), batch (io_uring "
                + "without Netty channels: every send and receive of a pass, for all clients, in one system "
                + "call, on --io-threads loops), epoll or io_uring (Netty channels on event loops), or auto "
                + "(batch where io_uring runs, else nio). One UDP socket per client in every case. "
                + "Default ${DEFAULT-VALUE}.")
    String io;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1",
            description = "Event loops for batch, epoll and io_uring (nio always uses one sender and one receiver). Default ${DEFAULT-VALUE}.")
    int ioThreads;

    @Option(names = "--rx-batch-us", paramLabel = "MICROS",
            description = "nio and batch: after each receive pass, pause MICROS before the next (batch: never past "
                + "the next send): far fewer wake-ups (nio: about 20%% less CPU at 256 clients with 250) but arrivals "
                + "are dated up to that late. Default: 0 (precise "
                + "RTT) up to " + LoadConfig.PRECISE_RECEIVE_CLIENTS + " clients, " + LoadConfig.DEFAULT_RECEIVE_BATCH_MICROS
                + " above.")
    Integer rxBatch;

    @Option(names = "--handshake-timeout", paramLabel = "MS", defaultValue = "5000",
            description = "TCP connect and reply timeout per client (default ${DEFAULT-VALUE}).")
    int handshakeTimeout;

    @Option(names = "--churn-rate", paramLabel = "PER_SECOND", defaultValue = "0",
            description = "Churn: besides the -n steady clients, this many clients join per second during the "
                + "measured phase, stream for --churn-stay seconds and leave with exit packets, all in this "
                + "process (default ${DEFAULT-VALUE} = no churn).")
    double churnRate;

    @Option(names = "--churn-stay", paramLabel = "SECONDS", defaultValue = "3",
            description = "Churn: mean time a churn client stays (default ${DEFAULT-VALUE}).")
    double churnStay;

    @Option(names = "--churn-stay-spread", paramLabel = "SECONDS",
            description = "Churn: each stay is drawn uniformly from --churn-stay +- SECONDS with --seed "
                + "(default: half of --churn-stay).")
    Double churnStaySpread;

    @Option(names = "--churn-max", paramLabel = "N", defaultValue = "64",
            description = "Churn: at most N churn clients at once; a join due beyond that is skipped and "
                + "counted (default ${DEFAULT-VALUE}).")
    int churnMax;

    @Option(names = "--churn-start-after", paramLabel = "SECONDS", defaultValue = "0",
            description = "Churn begins this long into the measured --duration; the results then compare the "
                + "steady clients alone (before) with the steady clients during churn (default ${DEFAULT-VALUE}: "
                + "churn for the whole duration).")
    double churnStartAfter;

    @Option(names = "--churn-for", paramLabel = "SECONDS", defaultValue = "0",
            description = "Churn: joins stop after SECONDS; once the churn clients present have left, the rest of "
                + "the duration measures the steady clients alone again (do they recover?). Default ${DEFAULT-VALUE}: "
                + "churn until the duration ends.")
    double churnFor;

    @Option(names = "--churn-prefix", paramLabel = "TEXT", defaultValue = "ch",
            description = "Churn client j (from 1) is named TEXTjjjj on the hub (default ${DEFAULT-VALUE}).")
    String churnPrefix;

    public static void main(String[] args) {
        // Netty's leak detector samples buffers with stack traces: measurable cost at 100k packets/s.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        System.exit(new CommandLine(new Main()).execute(args));
    }

    LoadConfig toConfig() {
        BitResolution resolution = BitResolution.fromBits(bits);
        if (resolution == null) {
            throw new IllegalArgumentException("bits must be 8, 16, 24 or 32: " + bits);
        }
        return LoadConfig.builder(host, port)
                .clients(clients).localPortBase(localPort).bindAddress(bind)
                .sampleRate(rate).frames(frames).channels(channels).bits(resolution).redundancy(redundancy)
                .duration(duration).warmup(warmup).rampPerSecond(ramp).expect(Expectation.parse(expect))
                .lossPercent(loss).jitterMillis(jitter).reorderPercent(reorder)
                .driftPpm(drift).driftSpreadPpm(driftSpread).driftClients(driftClients).seed(seed).namePrefix(namePrefix)
                .phases(phases).markerIntervalMillis(markerInterval)
                .toneLevel(toneLevel == null ? Double.NaN : toneLevel).rampTolerance(rampTolerance).playoutPackets(playout)
                .reportIntervalSeconds(interval).out(out).io(ClientIoKind.select(io)).ioThreads(ioThreads)
                .handshakeTimeoutMillis(handshakeTimeout).receiveBatchMicros(rxBatch != null ? rxBatch : LoadConfig.defaultReceiveBatchMicros(clients))
                .churnRate(churnRate).churnStay(churnStay).churnStaySpread(churnStaySpread == null ? Double.NaN : churnStaySpread)
                .churnMax(churnMax).churnStartAfter(churnStartAfter).churnPrefix(churnPrefix).churnFor(churnFor)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        LoadConfig config;
        try {
            config = toConfig();
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            return 2;
        }
        Results results = LoadGenerator.run(config, System.out);
        if (out != null) {
            results.write(out);
            System.out.println("loadgen: results written to " + out);
        }
        return results.getLong("clients", "connected") == config.clients() ? 0 : 1;
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"loadgen " + (version == null ? "(development build)" : version)};
        }
    }
}
