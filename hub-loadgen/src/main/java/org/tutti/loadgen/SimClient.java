package org.tutti.loadgen;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.Redundancy;
import org.tutti.protocol.udp.SampleRate;

/**
 * One simulated JackTrip client. The sending fields are owned by the thread that sends for it, the
 * receiving fields by the thread that receives for it; the counters are plain longs that a report
 * reads without locking (a report may lag by a packet; the final one is exact because it runs after
 * the I/O threads stopped).
 */
final class SimClient {
    static final int NEW = 0;
    static final int STREAMING = 1;
    /** The hub sent an exit packet: stop sending, as a JackTrip client does. */
    static final int HUB_EXIT = 2;
    static final int FAILED = 3;
    static final int STOPPED = 4;

    private static final int SENT_RING = 2048;

    final int index;
    final String name;
    /** {@link ThreadStats#STEADY} or {@link ThreadStats#CHURNER}. */
    final int group;
    private final LoadConfig config;
    private final Signal signal;
    private final Markers markers;
    volatile int state = NEW;
    int localPort;
    InetSocketAddress hubUdp;
    /** Transport-specific socket (a java.nio DatagramChannel or a Netty Channel). */
    Object socket;
    /** Netty: a write is waiting for this pass's flush. Owned by the client's event loop. */
    boolean flushPending;
    /** Churn: its socket is closed and no I/O thread touches it any more (set by the thread that closed it). */
    volatile boolean closed;
    /** Churn: its leave was requested (guarded by {@link Churn}'s lock). */
    boolean leaving;
    /** Churn: when its stream started ({@link System#nanoTime()}), for the stay actually served. */
    long joinedNanos;

    // ---- sending side --------------------------------------------------------------------------
    private final SplittableRandom random;
    private final double periodNanos;
    private final double lossProbability;
    private final double reorderProbability;
    private final long jitterNanos;
    private final int rampPhase;
    private final int toneStep;
    private final float toneLevel;
    /** This client's encoded tone (see {@link Signal#toneTable}). */
    private final ByteBuffer toneTable;
    private final Redundancy.Window window;
    private final ByteBuffer held;
    private final long[] sentAt = new long[SENT_RING];
    private final long[] sentPacket = new long[SENT_RING];
    private long epochNanos;
    private long packetNo;
    private long nominalDeadline;
    private long nextDeadline;
    private int sequence;
    /** Samples in every packet built so far (the next packet starts here). Read by the receiver for RTT. */
    volatile long samplesBuilt;
    private boolean holding;
    private int heldLength;
    private long heldPacketNo;

    long packetsBuilt;
    long datagramsSent;
    long bytesSent;
    long impairmentDropped;
    long impairmentReordered;
    long sendErrors;
    long markersSent;

    // ---- receiving side ------------------------------------------------------------------------
    final SequenceTracker sequences = new SequenceTracker();
    long lastPlayed = Long.MIN_VALUE;
    long datagramsReceived;
    long bytesReceived;
    long packetsPlayed;
    long revived;
    long malformed;
    long receiveErrors;
    long exitsReceived;
    /** An exit packet arrived while this client was still streaming (not the hub's answer to ours). */
    volatile boolean endedByHub;
    long firstReceiveNanos;
    /** When the datagram before the one being analysed arrived (for {@link GapRecords}). */
    long previousReceiveNanos;
    long lastReceiveNanos;
    // playout: the schedule of the earliest-arriving packet so far (see ReceiveAnalyzer.playout)
    long playAnchorNanos;
    long playAnchorIndex;
    boolean playLate;
    long underruns;
    // loopback ramp check
    boolean rampLocked;
    int rampExpected;
    int rampRun;
    boolean inGap;
    int goodRun;
    long audibleGaps;
    long badFrames;
    /** Samples off by 1..tolerance codes: a resampling hub (drift correction) shows here. */
    long rampSlips;
    long framesChecked;
    /** The first few audible gaps, with what broke (printed with the report). */
    final GapRecords gapRecords = new GapRecords();
    // mix checks
    final ToneProbe peerTone;
    final ToneProbe ownTone;
    int sinceLoud = Integer.MAX_VALUE / 2;
    long lastMarkerHeard;
    long markersHeard;

    SimClient(int index, LoadConfig config, Signal signal, Markers markers, float toneLevel) {
        this(index, String.format("%s%03d", config.namePrefix(), index), ThreadStats.STEADY, config, signal, markers,
                toneLevel);
    }

    /**
     * A client of {@code group}; churn clients get indexes after the steady ones (so their ramp phases,
     * tones and send phases differ, and they never emit mix markers) and names of their own.
     */
    SimClient(int index, String name, int group, LoadConfig config, Signal signal, Markers markers, float toneLevel) {
        this.index = index;
        this.name = name;
        this.group = group;
        this.config = config;
        this.signal = signal;
        this.markers = markers;
        this.random = new SplittableRandom(config.seed() * 1_000_003L + index);
        double spread = config.driftSpreadPpm() == 0 ? 0 : (random.nextDouble() * 2 - 1) * config.driftSpreadPpm();
        boolean drifts = config.driftClients() == 0 || index < config.driftClients();
        double drift = drifts ? config.driftPpm() + spread : 0;
        this.periodNanos = config.periodNanos() / (1 + drift * 1e-6);
        this.lossProbability = config.lossPercent() / 100.0;
        this.reorderProbability = config.reorderPercent() / 100.0;
        this.jitterNanos = (long) (config.jitterMillis() * 1e6);
        this.rampPhase = signal.rampPhase(index);
        this.toneStep = signal.toneBin(index);
        this.toneLevel = toneLevel;
        this.toneTable = signal.toneTable(toneStep, toneLevel);
        this.window = config.redundancy() > 1 ? new Redundancy.Window(config.redundancy(), config.packetSize()) : null;
        this.held = config.reorderPercent() > 0 ? ByteBuffer.allocateDirect(config.datagramSize()) : null;
        float expectedMagnitude = toneLevel * signal.window / 2f;
        int peer = (index + 1) % config.clients();
        this.peerTone = new ToneProbe(signal, signal.toneBin(peer), expectedMagnitude);
        this.ownTone = new ToneProbe(signal, signal.toneBin(index), expectedMagnitude);
    }

    boolean isStreaming() {
        return state == STREAMING;
    }

    /**
     * Starts the stream: the first packet goes out on the next grid point of this client's phase
     * (phase = index mod {@code phases}), at least {@code leadNanos} from now.
     */
    void startStreaming(RunClock clock, long now, long leadNanos) {
        double period = config.periodNanos();
        double phase = (index % config.phases()) * period / config.phases();
        double sinceGrid = now + leadNanos - clock.startNanos - phase;
        long periods = (long) Math.ceil(sinceGrid / period);
        epochNanos = clock.startNanos + (long) (phase + periods * period);
        packetNo = 0;
        nominalDeadline = epochNanos;
        nextDeadline = epochNanos;
        state = STREAMING;
    }

    long nextDeadline() {
        return nextDeadline;
    }

    /**
     * Sends every packet due by {@code horizon} (at most {@code maxBurst}); returns the next deadline,
     * or {@link Long#MAX_VALUE} when this client no longer sends.
     */
    long sendDue(long now, long horizon, int maxBurst, PacketOut out, SendScratch scratch, ThreadStats stats) {
        for (int burst = 0; burst < maxBurst && state == STREAMING && nextDeadline - horizon <= 0; burst++) {
            long late = now - nextDeadline;
            stats.recordSendLate(group, late > 0 ? late / 1000 : 0);
            sendOne(now, out, scratch);
            packetNo++;
            nominalDeadline = epochNanos + (long) (packetNo * periodNanos);
            long deadline = jitterNanos > 0 ? nominalDeadline + random.nextLong(jitterNanos + 1) : nominalDeadline;
            // Jitter delays packets but keeps their order, like a queue with a random service time.
            nextDeadline = Math.max(deadline, nextDeadline);
        }
        return state == STREAMING ? nextDeadline : Long.MAX_VALUE;
    }

    private void sendOne(long now, PacketOut out, SendScratch scratch) {
        ByteBuffer packet = scratch.packet;
        buildPacket(packet, now, scratch);
        ByteBuffer datagram = packet;
        int length = config.packetSize();
        if (window != null) {
            length = window.push(packet, 0, scratch.datagram, 0);
            datagram = scratch.datagram;
        }
        packetsBuilt++;
        if (lossProbability > 0 && random.nextDouble() < lossProbability) {
            impairmentDropped++;
            return;
        }
        if (holding) {
            transmit(out, datagram, length, packetNo, now);
            transmit(out, held, heldLength, heldPacketNo, now);
            holding = false;
            impairmentReordered++;
            return;
        }
        if (held != null && random.nextDouble() < reorderProbability) {
            for (int i = 0; i < length; i++) {
                held.put(i, datagram.get(i));
            }
            heldLength = length;
            heldPacketNo = packetNo;
            holding = true;
            return;
        }
        transmit(out, datagram, length, packetNo, now);
    }

    private void transmit(PacketOut out, ByteBuffer datagram, int length, long packet, long now) {
        int slot = (int) (packet & (SENT_RING - 1));
        sentAt[slot] = now;
        sentPacket[slot] = packet;
        if (out.send(this, datagram, length)) {
            datagramsSent++;
            bytesSent += length;
        } else {
            sendErrors++;
        }
    }

    private void buildPacket(ByteBuffer packet, long now, SendScratch scratch) {
        int frames = config.frames();
        int channels = config.channels();
        int bytes = config.bits().bytesPerSample();
        int channelBytes = frames * bytes;
        PacketHeader header = scratch.header.wrap(packet, 0);
        header.timestamp(scratch.clock.wallMicros(now))
                .sequenceNumber(sequence)
                .bufferSize(frames)
                .samplingRateCode(SampleRate.jackTripCodeFor(config.sampleRate()))
                .bitResolution(config.bits().bits())
                .channelsWanted(channels)
                .channelsCarried(channels);
        long first = samplesBuilt;
        int toneAt = (int) (first % signal.window) * bytes;
        if (config.expect() == Expectation.MIX) {
            // Every channel: the tone; channel 1 also carries the marker when it is this client's turn.
            for (int c = 0; c < channels; c++) {
                packet.put(PacketLayout.channelOffset(c, frames, bytes), toneTable, toneAt, channelBytes);
            }
            if (markers.claim(this, now)) {
                float[] one = scratch.one;
                one[0] = toneLevel * signal.sine[(int) (toneStep * first % signal.window)] + Signal.MARKER_LEVEL;
                config.bits().encode(one, 0, 1, packet, PacketLayout.channelOffset(0, frames, bytes));
                markersSent++;
            }
        } else {
            packet.put(PacketLayout.channelOffset(0, frames, bytes), signal.rampTable,
                    signal.rampTableOffset(first, rampPhase), channelBytes);
            if (channels > 1) {
                packet.put(PacketLayout.channelOffset(1, frames, bytes), toneTable, toneAt, channelBytes);
            }
            for (int c = 2; c < channels; c++) {
                config.bits().encodeSilence(frames, packet, PacketLayout.channelOffset(c, frames, bytes));
            }
        }
        sequence = (sequence + 1) & 0xFFFF;
        samplesBuilt = first + frames;
    }

    /** Send time of the packet that carried absolute sample {@code sample}, or -1 if it is not known any more. */
    long sentAtOfSample(long sample) {
        if (sample < 0) {
            return -1;
        }
        long packet = sample / config.frames();
        int slot = (int) (packet & (SENT_RING - 1));
        return sentPacket[slot] == packet ? sentAt[slot] : -1;
    }

    int rampPhase() {
        return rampPhase;
    }

    /** Drops a packet held back for reordering (the run is ending, or the client leaves). */
    void dropHeld() {
        holding = false;
    }

    /**
     * Ends the stream as a leaving JackTrip client does: if still streaming, stops and sends the exit
     * packet {@link ExitPacket#REPEAT} times through {@code out}. Call on the thread that sends for this
     * client. Returns whether exit packets went out (false: the hub had ended the session, or it never started).
     */
    boolean sendExit(PacketOut out, ByteBuffer exit) {
        if (state != STREAMING) {
            return false;
        }
        dropHeld();
        state = STOPPED;
        for (int i = 0; i < ExitPacket.REPEAT; i++) {
            ExitPacket.write(exit, 0);
            out.send(this, exit, ExitPacket.LENGTH);
        }
        return true;
    }
}
