package org.tutti.loadgen;

import java.nio.file.Path;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketLayout;

/**
 * One load-generator run. Built by the command line ({@link Main}) or by tests.
 *
 * @param host              hub host name or address
 * @param tcpPort           hub TCP handshake port
 * @param clients           simulated JackTrip clients
 * @param localPortBase     client k binds UDP {@code localPortBase + k}; 0 = any free port per client
 * @param bindAddress       local address for the UDP sockets ({@code null} = all)
 * @param sampleRate        Hz, sent as JackTrip's rate code
 * @param frames            frames per packet (the client's JACK period)
 * @param channels          channels sent and wanted back
 * @param bits              sample resolution
 * @param redundancy        packets per datagram, newest first (JackTrip {@code -r})
 * @param durationSeconds   measured (steady) time, after ramp-up and warm-up
 * @param warmupSeconds     time after the last client started before measuring
 * @param rampPerSecond     clients started per second; 0 = as fast as handshakes go
 * @param expect            what the hub sends back
 * @param lossPercent       packets the sender skips (their sequence numbers and audio are lost)
 * @param jitterMillis      uniform random extra send delay per packet, 0..this (order kept)
 * @param reorderPercent    packets held back and sent right after the next one
 * @param driftPpm          send-rate offset of every client: rate × (1 + ppm·1e-6)
 * @param driftSpreadPpm    plus a per-client offset drawn uniformly from ±this
 * @param driftClients      the drift applies to clients 0..driftClients−1 only; 0 = to all
 * @param seed              seed of every random choice (impairments, drift spread)
 * @param namePrefix        client k is named {@code prefix + k} (3 digits)
 * @param phases            clients are spread over this many send phases per period; the sender wakes once per phase
 * @param markerIntervalMillis mix mode: one client emits an impulse this often, the others time its arrival
 * @param toneLevel         amplitude of each client's tone; NaN = automatic (0.25, or 0.5/N in mix mode)
 * @param reportIntervalSeconds print (and record) a line this often; 0 = only the summary
 * @param out               results file (.json or .tsv), or {@code null}
 * @param io                socket layer
 * @param ioThreads         event loops of the Netty and batch layers (NIO always uses one sender and one receiver thread)
 * @param handshakeTimeoutMillis TCP connect and reply timeout
 * @param rampTolerance     loopback: returned ramp samples may differ by this many codes without counting as a gap
 * @param receiveBatchMicros nio and batch: the receiver pauses this long after each pass (fewer wake-ups, arrival
 *                          times later; batch: never past the next send deadline)
 * @param playoutPackets    depth of each client's simulated playout buffer: a packet later than this many periods
 *                          behind the earliest-arriving schedule is an underrun (JackTrip's default {@code -q} is 4)
 * @param churnRate         churn clients joining per second, besides the steady ones; 0 = no churn
 * @param churnStaySeconds  mean time a churn client streams before it leaves
 * @param churnStaySpreadSeconds each stay is drawn uniformly from {@code churnStaySeconds ± this} (seeded);
 *                          NaN = half of {@code churnStaySeconds}
 * @param churnMax          most churn clients at once (joining or streaming); a join due beyond it is skipped
 * @param churnStartAfterSeconds churn begins this long into the measured phase, which is reported in two
 *                          windows: the steady clients alone, then with churn (0 = churn for the whole phase)
 * @param churnPrefix       churn client j (from 1) is named {@code churnPrefix + j} (4 digits)
 * @param churnForSeconds   joins stop this long after churn began; once the churn clients present have left
 *                          (on their own schedule) a third window measures the steady clients alone again
 *                          (0 = churn until the measured phase ends)
 */
public record LoadConfig(String host, int tcpPort, int clients, int localPortBase, String bindAddress,
                         int sampleRate, int frames, int channels, BitResolution bits, int redundancy,
                         double durationSeconds, double warmupSeconds, double rampPerSecond, Expectation expect,
                         double lossPercent, double jitterMillis, double reorderPercent, double driftPpm,
                         double driftSpreadPpm, int driftClients, long seed, String namePrefix, int phases, int markerIntervalMillis,
                         double toneLevel, double reportIntervalSeconds, Path out, ClientIoKind io, int ioThreads,
                         int handshakeTimeoutMillis, int rampTolerance, int receiveBatchMicros, int playoutPackets,
                         double churnRate, double churnStaySeconds, double churnStaySpreadSeconds, int churnMax,
                         double churnStartAfterSeconds, String churnPrefix, double churnForSeconds) {

    public LoadConfig {
        require(clients >= 1 && clients <= 65535, "clients must be 1..65535");
        require(localPortBase == 0 || (localPortBase > 0 && localPortBase + clients - 1 <= 65535),
                "local port base + clients exceeds 65535");
        require(sampleRate >= 8000 && sampleRate <= 192000, "sample rate must be 8000..192000 Hz");
        require(frames >= 1 && frames <= 65535, "frames must be 1..65535");
        require(channels >= 1 && channels <= 254, "channels must be 1..254");
        require(redundancy >= 1, "redundancy must be at least 1");
        require((long) redundancy * packetSize(frames, channels, bits) <= PacketLayout.MAX_DATAGRAM,
                "redundancy × packet size exceeds the largest UDP datagram");
        require(durationSeconds >= 0 && warmupSeconds >= 0 && rampPerSecond >= 0, "times must not be negative");
        require(lossPercent >= 0 && lossPercent < 100, "loss must be 0..<100 %");
        require(reorderPercent >= 0 && reorderPercent <= 100, "reorder must be 0..100 %");
        require(jitterMillis >= 0, "jitter must not be negative");
        require(Math.abs(driftPpm) + Math.abs(driftSpreadPpm) < 100_000, "drift too large");
        require(driftClients >= 0, "drift clients must not be negative");
        require(phases >= 1 && phases <= 256, "phases must be 1..256");
        require(markerIntervalMillis >= 10, "marker interval must be at least 10 ms");
        require(ioThreads >= 1, "io threads must be at least 1");
        require(rampTolerance >= 0, "ramp tolerance must not be negative");
        require(receiveBatchMicros >= 0 && receiveBatchMicros <= 100_000, "receive batch must be 0..100000 µs");
        require(playoutPackets >= 1 && playoutPackets <= 1024, "playout depth must be 1..1024 packets");
        if (Double.isNaN(churnStaySpreadSeconds)) {
            churnStaySpreadSeconds = churnStaySeconds / 2;
        }
        require(churnRate >= 0 && churnRate <= 1000, "churn rate must be 0..1000 joins per second");
        require(churnStaySeconds > 0, "churn stay must be positive");
        require(churnStaySpreadSeconds >= 0 && churnStaySpreadSeconds <= churnStaySeconds,
                "churn stay spread must be 0..the stay");
        require(churnMax >= 1, "churn max must be at least 1");
        require(churnStartAfterSeconds >= 0, "churn start must not be negative");
        require(churnRate == 0 || churnStartAfterSeconds < durationSeconds,
                "churn must start before the measured duration ends (--churn-start-after < --duration)");
        require(churnPrefix != null && !churnPrefix.isEmpty(), "churn prefix must not be empty");
        require(churnForSeconds >= 0, "churn duration must not be negative");
        require(churnRate == 0 || churnForSeconds == 0 || churnStartAfterSeconds + churnForSeconds < durationSeconds,
                "churn must end before the measured duration does (--churn-start-after + --churn-for < --duration)");
        require(churnRate == 0 || !churnPrefix.equals(namePrefix), "churn clients need a name prefix of their own");
    }

    /** Whether churn clients join and leave during the run. */
    public boolean churn() {
        return churnRate > 0;
    }

    /** Churn clients expected at once: joins per second × the longest stay, capped by {@link #churnMax}. */
    public int expectedChurners() {
        return churn() ? (int) Math.min(churnMax, Math.ceil(churnRate * (churnStaySeconds + churnStaySpreadSeconds))) : 0;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Up to this many clients the receiver wakes for every arrival by default (precise RTT). */
    public static final int PRECISE_RECEIVE_CLIENTS = 64;
    /** Above that, it pauses this long between passes by default (far fewer wake-ups). */
    public static final int DEFAULT_RECEIVE_BATCH_MICROS = 250;

    /** The default {@code --rx-batch-us} for a number of clients. */
    public static int defaultReceiveBatchMicros(int clients) {
        return clients <= PRECISE_RECEIVE_CLIENTS ? 0 : DEFAULT_RECEIVE_BATCH_MICROS;
    }

    static int packetSize(int frames, int channels, BitResolution bits) {
        return PacketLayout.packetSize(frames, channels, bits.bytesPerSample());
    }

    public int packetSize() {
        return packetSize(frames, channels, bits);
    }

    public int datagramSize() {
        return redundancy * packetSize();
    }

    /** Nominal period in nanoseconds. */
    public double periodNanos() {
        return frames * 1e9 / sampleRate;
    }

    /** Defaults matching the capacity target: 48 kHz, 128 frames, 2 channels, 16-bit, loopback. */
    public static Builder builder(String host, int tcpPort) {
        return new Builder(host, tcpPort);
    }

    /** Mutable builder for tests and the command line. */
    public static final class Builder {
        String host;
        int tcpPort;
        int clients = 1;
        int localPortBase;
        String bindAddress;
        int sampleRate = 48000;
        int frames = 128;
        int channels = 2;
        BitResolution bits = BitResolution.BIT16;
        int redundancy = 1;
        double durationSeconds = 10;
        double warmupSeconds = 1;
        double rampPerSecond = 20;
        Expectation expect = Expectation.LOOPBACK;
        double lossPercent;
        double jitterMillis;
        double reorderPercent;
        double driftPpm;
        double driftSpreadPpm;
        int driftClients;
        long seed = 1;
        String namePrefix = "lg";
        int phases = 8;
        int markerIntervalMillis = 100;
        double toneLevel = Double.NaN;
        double reportIntervalSeconds;
        Path out;
        ClientIoKind io = ClientIoKind.NIO;
        int ioThreads = 1;
        int handshakeTimeoutMillis = 5000;
        int rampTolerance;
        int receiveBatchMicros;
        int playoutPackets = 4;
        double churnRate;
        double churnStaySeconds = 3;
        double churnStaySpreadSeconds = Double.NaN;
        int churnMax = 64;
        double churnStartAfterSeconds;
        String churnPrefix = "ch";
        double churnForSeconds;

        Builder(String host, int tcpPort) {
            this.host = host;
            this.tcpPort = tcpPort;
        }

        public Builder clients(int v) { clients = v; return this; }
        public Builder localPortBase(int v) { localPortBase = v; return this; }
        public Builder bindAddress(String v) { bindAddress = v; return this; }
        public Builder sampleRate(int v) { sampleRate = v; return this; }
        public Builder frames(int v) { frames = v; return this; }
        public Builder channels(int v) { channels = v; return this; }
        public Builder bits(BitResolution v) { bits = v; return this; }
        public Builder redundancy(int v) { redundancy = v; return this; }
        public Builder duration(double seconds) { durationSeconds = seconds; return this; }
        public Builder warmup(double seconds) { warmupSeconds = seconds; return this; }
        public Builder rampPerSecond(double v) { rampPerSecond = v; return this; }
        public Builder expect(Expectation v) { expect = v; return this; }
        public Builder lossPercent(double v) { lossPercent = v; return this; }
        public Builder jitterMillis(double v) { jitterMillis = v; return this; }
        public Builder reorderPercent(double v) { reorderPercent = v; return this; }
        public Builder driftPpm(double v) { driftPpm = v; return this; }
        public Builder driftSpreadPpm(double v) { driftSpreadPpm = v; return this; }
        public Builder driftClients(int v) { driftClients = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder namePrefix(String v) { namePrefix = v; return this; }
        public Builder phases(int v) { phases = v; return this; }
        public Builder markerIntervalMillis(int v) { markerIntervalMillis = v; return this; }
        public Builder toneLevel(double v) { toneLevel = v; return this; }
        public Builder reportIntervalSeconds(double v) { reportIntervalSeconds = v; return this; }
        public Builder out(Path v) { out = v; return this; }
        public Builder io(ClientIoKind v) { io = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder handshakeTimeoutMillis(int v) { handshakeTimeoutMillis = v; return this; }
        public Builder rampTolerance(int v) { rampTolerance = v; return this; }
        public Builder receiveBatchMicros(int v) { receiveBatchMicros = v; return this; }
        public Builder playoutPackets(int v) { playoutPackets = v; return this; }
        public Builder churnRate(double v) { churnRate = v; return this; }
        public Builder churnStay(double seconds) { churnStaySeconds = seconds; return this; }
        public Builder churnStaySpread(double seconds) { churnStaySpreadSeconds = seconds; return this; }
        public Builder churnMax(int v) { churnMax = v; return this; }
        public Builder churnStartAfter(double seconds) { churnStartAfterSeconds = seconds; return this; }
        public Builder churnPrefix(String v) { churnPrefix = v; return this; }
        public Builder churnFor(double seconds) { churnForSeconds = seconds; return this; }

        public LoadConfig build() {
            return new LoadConfig(host, tcpPort, clients, localPortBase, bindAddress, sampleRate, frames, channels,
                    bits, redundancy, durationSeconds, warmupSeconds, rampPerSecond, expect, lossPercent,
                    jitterMillis, reorderPercent, driftPpm, driftSpreadPpm, driftClients, seed, namePrefix, phases,
                    markerIntervalMillis, toneLevel, reportIntervalSeconds, out, io, ioThreads,
                    handshakeTimeoutMillis, rampTolerance, receiveBatchMicros, playoutPackets, churnRate,
                    churnStaySeconds, churnStaySpreadSeconds, churnMax, churnStartAfterSeconds, churnPrefix,
                    churnForSeconds);
        }
    }
}
