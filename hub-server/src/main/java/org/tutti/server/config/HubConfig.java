package org.tutti.server.config;

import java.nio.file.Path;
import java.time.Duration;
import org.tutti.mixer.PatchMode;
import org.tutti.mixer.dsp.Concealment;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.server.engine.HubInput;
import org.tutti.transport.Transport;

/**
 * Every setting of a running hub, validated. Built by the CLI (flags and config file) or by tests.
 *
 * @param tcpPort            handshake port (JackTrip: 4464 + offset, or -B)
 * @param udpBasePort        first participant UDP port (JackTrip: 61002 + offset, or -U)
 * @param bindAddress        address to listen on for audio and handshakes; null = all
 * @param maxParticipants    slots (JackTrip allows 1024)
 * @param requiredResolution null = accept 8/16/24/32 and answer each in its own; else refuse others
 * @param queuePackets       jitter-buffer target depth in the client's packets
 * @param queueMillis        if > 0, target depth in ms instead of packets
 * @param sessionTimeout     silence after which a streaming session ends
 * @param firstAudioTimeout  time allowed between handshake and first datagram
 * @param nameWait           how long to wait for the 64 name bytes after the 4 port bytes
 * @param handshakeDeadline  a TCP connection that has not completed a handshake by then is closed
 * @param hubInput           the hub's own input (modes 0, and 2/4 with -i): silence, a tone or a WAV file
 * @param transport          how the hub talks to the kernel (auto is resolved when the builder is made)
 * @param ioThreads          network threads for audio datagrams
 * @param spinMicros         the embedded clock spins this long before each deadline
 * @param realtimePriority   SCHED_FIFO priority of the embedded clock's engine thread, 0 = normal scheduling
 * @param jack               run on a JACK server (rate and period then come from JACK)
 * @param jackServer         JACK server name, null = the default server
 * @param jackAliases        give participant ports JackTrip-style aliases ("alice:receive_1")
 * @param queueAuto          {@code -q auto}: the depth follows the measured arrival spread
 * @param queueMarginMillis  safety margin on top of the measured spread with {@code -q auto}
 * @param concealment        how missing audio is filled
 * @param refuseOtherRates   refuse clients at another sample rate (JackTrip) instead of converting
 * @param jackPorts          who gets JACK ports: all, none, or names and patterns (see PortPolicy)
 * @param sendRedundancy     packets per datagram sent to each client: 0 = auto (as many as that client
 *                           sends, which is what it reads), else 1..{@link #MAX_SEND_REDUNDANCY}
 * @param recordDirectory    where takes are recorded; null = {@code recordings} in the state directory
 * @param auth               {@code -A}: clients must log in (TLS, JackTrip's credentials file)
 * @param certFile           PEM certificate for {@code -A}
 * @param keyFile            PEM private key for {@code -A}
 * @param credsFile          JackTrip credentials file for {@code -A}
 * @param recordMix          the take's mix: "auto" (the mix master's while that mode is on, else everyone
 *                           at unity) or "unity" (always everyone at unity)
 * @param jackEngine         with {@code jack}: "async" (the engine on a thread of its own, JACK's callback
 *                           only exchanges audio with it) or "sync" (the engine in JACK's callback)
 */
public record HubConfig(
        int tcpPort,
        int udpBasePort,
        String bindAddress,
        int sampleRate,
        int periodFrames,
        PatchMode patchMode,
        boolean includeServer,
        boolean upmix,
        int maxParticipants,
        BitResolution requiredResolution,
        int queuePackets,
        double queueMillis,
        Duration sessionTimeout,
        Duration firstAudioTimeout,
        Duration nameWait,
        Duration handshakeDeadline,
        int maxPendingHandshakes,
        HubInput hubInput,
        Transport transport,
        int ioThreads,
        int spinMicros,
        int realtimePriority,
        int maxChannels,
        int httpPort,
        String httpBind,
        Path stateDirectory,
        boolean jack,
        String jackServer,
        String jackClientName,
        boolean jackAliases,
        boolean queueAuto,
        double queueMarginMillis,
        Concealment concealment,
        boolean refuseOtherRates,
        int sendRedundancy,
        String jackPorts,
        Path httpTlsCert,
        Path httpTlsKey,
        Path recordDirectory,
        String recordMix,
        boolean auth,
        Path certFile,
        Path keyFile,
        Path credsFile,
        String jackEngine) {

    public static final int DEFAULT_TCP_PORT = 4464;
    public static final int DEFAULT_UDP_BASE = 61002;
    /** JackTrip's {@code -t}; also what {@code -t} alone means. */
    public static final int DEFAULT_SESSION_TIMEOUT_SECONDS = 10;
    /** The most packets a datagram to a client carries (JackTrip clients accept any -r; 4 is plenty). */
    public static final int MAX_SEND_REDUNDANCY = 4;
    public static final java.util.List<String> RECORD_MIXES = java.util.List.of("auto", "unity");
    public static final java.util.List<String> JACK_ENGINES = java.util.List.of("async", "sync");

    public HubConfig {
        requirePort("TCP port", tcpPort);
        if (udpBasePort + maxParticipants - 1 > 65535) {
            throw new IllegalArgumentException("UDP ports " + udpBasePort + "+" + maxParticipants
                    + " run past 65535: lower --udpbaseport (-U) or --max-participants");
        }
        requirePort("UDP base port", udpBasePort);
        if (maxParticipants < 1 || maxParticipants > 1024) {
            throw new IllegalArgumentException("max participants must be 1..1024: " + maxParticipants);
        }
        if (queuePackets < 1 || queuePackets > 256) {
            throw new IllegalArgumentException("queue must be 1..256 packets: " + queuePackets);
        }
        if (queueMillis < 0 || queueMillis > 2000) {
            throw new IllegalArgumentException("queue must be 0..2000 ms: " + queueMillis);
        }
        if (ioThreads < 1 || ioThreads > 64) {
            throw new IllegalArgumentException("io threads must be 1..64: " + ioThreads);
        }
        if (realtimePriority < 0 || realtimePriority > 99) {
            throw new IllegalArgumentException("real-time priority must be 0..99 (0 = normal scheduling): "
                    + realtimePriority);
        }
        if (maxChannels < 1 || maxChannels > 254) {
            throw new IllegalArgumentException("max channels must be 1..254: " + maxChannels);
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("HTTP port must be 0..65535 (0 = off): " + httpPort);
        }
        new org.tutti.server.engine.AudioFormat(sampleRate, periodFrames);
        if (queueMarginMillis < 0 || queueMarginMillis > 1000) {
            throw new IllegalArgumentException("queue margin must be 0..1000 ms: " + queueMarginMillis);
        }
        org.tutti.server.jack.PortPolicy.parse(jackPorts); // throws on a bad value
        if ((httpTlsCert == null) != (httpTlsKey == null)) {
            throw new IllegalArgumentException("HTTPS needs both --http-tls-cert and --http-tls-key");
        }
        if (sendRedundancy < 0 || sendRedundancy > MAX_SEND_REDUNDANCY) {
            throw new IllegalArgumentException("redundancy must be auto or 1.." + MAX_SEND_REDUNDANCY + ": "
                    + sendRedundancy);
        }
        if (auth && (certFile == null || keyFile == null || credsFile == null)) {
            throw new IllegalArgumentException("-A needs --certfile, --keyfile and --credsfile, as jacktrip -S -A does");
        }
        if (!RECORD_MIXES.contains(recordMix)) {
            throw new IllegalArgumentException("the recording's mix must be one of " + RECORD_MIXES + ": " + recordMix);
        }
        if (!JACK_ENGINES.contains(jackEngine)) {
            throw new IllegalArgumentException("the JACK engine must be one of " + JACK_ENGINES + ": " + jackEngine);
        }
        java.util.Objects.requireNonNull(hubInput, "hub input");
        java.util.Objects.requireNonNull(transport, "transport");
        java.util.Objects.requireNonNull(concealment, "concealment");
    }

    /** Where takes go: {@code --record-dir}, else {@code recordings} in the state directory. */
    public Path recordingsDirectory() {
        return recordDirectory != null ? recordDirectory : stateDirectory.resolve("recordings");
    }

    private static void requirePort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 1..65535: " + port);
        }
    }

    /** JackTrip's defaults: 4464, 61002, 48 kHz / 128, mode 0, queue 4, timeouts 10 s. */
    public static HubConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.tcpPort = tcpPort;
        b.udpBasePort = udpBasePort;
        b.bindAddress = bindAddress;
        b.sampleRate = sampleRate;
        b.periodFrames = periodFrames;
        b.patchMode = patchMode;
        b.includeServer = includeServer;
        b.upmix = upmix;
        b.maxParticipants = maxParticipants;
        b.requiredResolution = requiredResolution;
        b.queuePackets = queuePackets;
        b.queueMillis = queueMillis;
        b.sessionTimeout = sessionTimeout;
        b.firstAudioTimeout = firstAudioTimeout;
        b.nameWait = nameWait;
        b.handshakeDeadline = handshakeDeadline;
        b.maxPendingHandshakes = maxPendingHandshakes;
        b.hubInput = hubInput;
        b.transport = transport;
        b.ioThreads = ioThreads;
        b.spinMicros = spinMicros;
        b.realtimePriority = realtimePriority;
        b.maxChannels = maxChannels;
        b.httpPort = httpPort;
        b.httpBind = httpBind;
        b.httpTlsCert = httpTlsCert;
        b.httpTlsKey = httpTlsKey;
        b.stateDirectory = stateDirectory;
        b.jack = jack;
        b.jackServer = jackServer;
        b.jackClientName = jackClientName;
        b.jackAliases = jackAliases;
        b.queueAuto = queueAuto;
        b.queueMarginMillis = queueMarginMillis;
        b.concealment = concealment;
        b.refuseOtherRates = refuseOtherRates;
        b.sendRedundancy = sendRedundancy;
        b.jackPorts = jackPorts;
        b.recordDirectory = recordDirectory;
        b.recordMix = recordMix;
        b.auth = auth;
        b.certFile = certFile;
        b.keyFile = keyFile;
        b.credsFile = credsFile;
        b.jackEngine = jackEngine;
        return b;
    }

    /** Mutable builder with JackTrip's defaults. */
    public static final class Builder {
        public int tcpPort = DEFAULT_TCP_PORT;
        public int udpBasePort = DEFAULT_UDP_BASE;
        public String bindAddress;
        public int sampleRate = 48000;
        public int periodFrames = 128;
        public PatchMode patchMode = PatchMode.SERVER_TO_CLIENTS;
        public boolean includeServer;
        public boolean upmix;
        public int maxParticipants = 1024;
        public BitResolution requiredResolution;
        public int queuePackets = 4;
        public double queueMillis;
        public Duration sessionTimeout = Duration.ofSeconds(DEFAULT_SESSION_TIMEOUT_SECONDS);
        public Duration firstAudioTimeout = Duration.ofSeconds(10);
        public Duration nameWait = Duration.ofMillis(500);
        public Duration handshakeDeadline = Duration.ofSeconds(3);
        public int maxPendingHandshakes = 512;
        public HubInput hubInput = HubInput.SILENCE;
        /** auto: epoll where its native library loads, else nio. */
        public Transport transport = Transport.parse("auto");
        public int ioThreads = 1;
        public int spinMicros = 100;
        /** Above every normal thread; JACK setups usually run their own audio threads around 10–70. */
        public int realtimePriority = 20;
        public int maxChannels = 64;
        public int httpPort = 8080;
        public String httpBind = "127.0.0.1";
        /** PEM certificate chain and PKCS#8 key for HTTPS on the control port; both null = plain HTTP. */
        public Path httpTlsCert;
        public Path httpTlsKey;
        public Path stateDirectory = Path.of("state");
        public boolean jack;
        public String jackServer;
        public String jackClientName = "tutti";
        public boolean jackAliases = true;
        public boolean queueAuto;
        public double queueMarginMillis = 2.0;
        public Concealment concealment = Concealment.BURG;
        public boolean refuseOtherRates;
        /** 0 = auto: each client gets the redundancy it sends. */
        public int sendRedundancy;
        /** All participants get JACK ports unless this says otherwise. */
        public String jackPorts = "all";
        /** null = {@code recordings} in the state directory. */
        public Path recordDirectory;
        public String recordMix = "auto";
        public boolean auth;
        public Path certFile;
        public Path keyFile;
        public Path credsFile;
        /** The engine on a thread of its own, so that JACK's callback stays short (see docs/jack.md). */
        public String jackEngine = "async";

        /** JackTrip's {@code -o}: moves the TCP port and, unless set explicitly, the UDP base. */
        public Builder portOffset(int offset) {
            tcpPort = DEFAULT_TCP_PORT + offset;
            udpBasePort = DEFAULT_UDP_BASE + offset;
            return this;
        }

        public Builder tcpPort(int port) {
            tcpPort = port;
            return this;
        }

        public Builder udpBasePort(int port) {
            udpBasePort = port;
            return this;
        }

        public Builder patchMode(PatchMode mode) {
            patchMode = mode;
            return this;
        }

        public Builder queuePackets(int packets) {
            queuePackets = packets;
            return this;
        }

        /** @param input as {@link HubInput#parse} reads it */
        public Builder hubInput(String input) {
            hubInput = HubInput.parse(input);
            return this;
        }

        public Builder maxParticipants(int max) {
            maxParticipants = max;
            return this;
        }

        public Builder sessionTimeout(Duration timeout) {
            sessionTimeout = timeout;
            return this;
        }

        public Builder firstAudioTimeout(Duration timeout) {
            firstAudioTimeout = timeout;
            return this;
        }

        public Builder httpPort(int port) {
            httpPort = port;
            return this;
        }

        public Builder stateDirectory(Path directory) {
            stateDirectory = directory;
            return this;
        }

        public HubConfig build() {
            return new HubConfig(tcpPort, udpBasePort, bindAddress, sampleRate, periodFrames, patchMode, includeServer,
                    upmix, maxParticipants, requiredResolution, queuePackets, queueMillis, sessionTimeout,
                    firstAudioTimeout, nameWait, handshakeDeadline, maxPendingHandshakes, hubInput, transport,
                    ioThreads, spinMicros, realtimePriority, maxChannels, httpPort, httpBind, stateDirectory, jack, jackServer,
                    jackClientName, jackAliases, queueAuto, queueMarginMillis, concealment, refuseOtherRates,
                    sendRedundancy, jackPorts, httpTlsCert, httpTlsKey, recordDirectory, recordMix, auth,
                    certFile, keyFile, credsFile, jackEngine);
        }
    }
}
