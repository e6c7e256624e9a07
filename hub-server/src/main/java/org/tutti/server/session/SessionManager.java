package org.tutti.server.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.mixer.plan.MixPlan;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.EngineSnapshot;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.StreamFormat;
import org.tutti.server.mix.MixModel;
import org.tutti.server.net.DatagramPathWarmUp;
import org.tutti.server.net.UdpEndpoints;

/**
 * The conductor: owns membership. Admits handshakes ({@link Admission}), builds and publishes a
 * participant's stream when the network thread reports its first datagram, ends sessions (exit, timeout, refusal, kick, reconnect, shutdown), and
 * publishes a new {@link EngineSnapshot} after every change. Every method runs on the conductor
 * thread; events from network threads hop there first.
 */
public final class SessionManager implements SessionEvents {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.sessions");
    private static final long TICK_MILLIS = 100;
    /** How long an ending session waits for the engine to drop it before sending exit anyway. */
    private static final long ENGINE_ACK_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final HubConfig config;
    private final EventExecutor conductor;
    private final UdpEndpoints udp;
    private final StreamFactory streams;
    private final HubEngine engine;
    private final MixModel mixes;
    private final SlotTable slots;
    private final NameRegistry names = new NameRegistry();
    private final Admission admission;
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final EngineSnapshots snapshots;
    private ScheduledFuture<?> ticker;
    private boolean shuttingDown;

    public SessionManager(HubConfig config, EventExecutor conductor, UdpEndpoints udp, StreamFactory streams,
                          HubEngine engine, MixModel mixes) {
        this.config = config;
        this.conductor = conductor;
        this.udp = udp;
        this.streams = streams;
        this.engine = engine;
        this.mixes = mixes;
        this.snapshots = new EngineSnapshots(engine, mixes);
        this.slots = new SlotTable(config.maxParticipants());
        this.admission = new Admission(config, conductor, udp, slots, names, this, () -> shuttingDown);
    }

    public EventExecutor conductor() {
        return conductor;
    }

    public void addListener(SessionListener listener) {
        listeners.add(listener);
    }

    /** Where participants' return audio (external JACK input) comes from; conductor thread. */
    public void returns(ReturnSources sources) {
        snapshots.returns(sources);
    }

    /** What copies audio out of each period (the recorder); conductor thread. */
    public void taps(PeriodTapSource source) {
        snapshots.taps(source);
    }

    public void start() {
        try {
            long warmUp = JoinWarmUp.run(config, streams, mixes);
            LOG.debug("join path warmed up in {} ms", warmUp / 1_000_000);
        } catch (RuntimeException e) {
            // Only the first joiner's latency depends on it: a hub that cannot warm up still serves.
            LOG.warn("could not warm up the join path (the first joiner may wait longer): {}", e.toString(), e);
        }
        try {
            long start = System.nanoTime();
            DatagramPathWarmUp.Result sent = udp.warmUp(JoinWarmUp.format(config).packetSize());
            LOG.debug("datagram path warmed up in {} ms ({} of {} datagrams went round)",
                    (System.nanoTime() - start) / 1_000_000, sent.received(), sent.sent());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // As above: it only saves the first joiner's first packet some milliseconds.
            LOG.warn("could not warm up the datagram path (the first joiner may wait longer): {}", e.toString(), e);
        }
        ticker = conductor.scheduleAtFixedRate(this::checkTimeouts, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ admission

    /**
     * Admits a handshake: finds the lowest free slot whose port binds, names the participant and
     * completes with the UDP port to reply with. Fails when the hub is full.
     */
    public Future<Integer> admit(HandshakeRequest request, InetSocketAddress tcpPeer) {
        return admit(request, tcpPeer, null);
    }

    /** As {@link #admit(HandshakeRequest, InetSocketAddress)}, for a client that logged in as {@code username}. */
    public Future<Integer> admit(HandshakeRequest request, InetSocketAddress tcpPeer, String username) {
        return admission.admit(request, tcpPeer, username);
    }

    // ------------------------------------------------------------------ events from the network

    @Override
    public void firstDatagram(Participant participant, StreamFormat format, int packetsPerDatagram,
                              InetSocketAddress source, long nowNanos) {
        conductor.execute(() -> startStream(participant, format, packetsPerDatagram, source, nowNanos));
    }

    private void startStream(Participant participant, StreamFormat format, int packetsPerDatagram,
                             InetSocketAddress source, long nowNanos) {
        if (participant.state() != Participant.State.AWAITING_AUDIO) {
            return; // ended (kicked, shut down) while the report was on its way
        }
        ParticipantStream stream;
        try {
            stream = streams.create(participant.slot(), format, packetsPerDatagram, participant.channel(), source);
        } catch (RuntimeException e) {
            // A format the validator passed but the stream cannot take: a bug, not the client's doing.
            LOG.error("could not set up the stream of {} ({}): {}", participant.name(), format.describe(), e.toString(), e);
            end(participant, SessionEndReason.STREAM_FAILED, source);
            return;
        }
        // Published by a volatile write: the network thread, the stream's only writer from then on,
        // sees it complete.
        participant.startStream(source, stream, nowNanos);
        InetSocketAddress address = source;
        // The JackTrip rule, without its bug: whoever streamed from this address before is gone,
        // and must not get an exit packet that would now reach the new session.
        for (Participant other : active()) {
            if (other != participant && address.equals(other.address())) {
                end(other, SessionEndReason.REPLACED);
            }
        }
        Participant older = participant.replaces();
        if (older != null && older.active()) {
            end(older, SessionEndReason.REPLACED);
        }
        participant.replaces(null);
        participant.state(Participant.State.STREAMING);
        participant.streamingSince(System.currentTimeMillis());
        publishSnapshot();
        LOG.info("join  {} from {}: {} (slot {}, UDP {})", participant.name(), format(address),
                participant.stream().format().describe(), participant.slot(), participant.udpPort());
        for (SessionListener listener : listeners) {
            listener.joined(participant);
        }
    }

    @Override
    public void clientExit(Participant participant) {
        conductor.execute(() -> end(participant, SessionEndReason.CLIENT_EXIT));
    }

    @Override
    public void refused(Participant participant, DatagramCheck check, InetSocketAddress source, int rateCode, int bits) {
        conductor.execute(() -> {
            if (!participant.active()) {
                return;
            }
            Refusal refusal = Refusal.of(check, rateCode, bits, config);
            LOG.warn("refused {} from {}: {}", participant.name(), format(source), refusal.detail());
            end(participant, refusal.reason(), source);
        });
    }

    @Override
    public void malformed(Participant participant, String what, long count, InetSocketAddress source) {
        LOG.warn("malformed datagram #{} for {} from {}: {} (dropped; the session goes on)", count,
                participant.name(), format(source), what);
    }

    @Override
    public void foreign(Participant participant, InetSocketAddress source, long count) {
        LOG.warn("datagram #{} from {} to {}'s port ignored: not {} (forged, or someone else's)", count,
                format(source), participant.name(), participant.address() == null
                        ? "the address that made the handshake (" + participant.tcpPeer().getAddress().getHostAddress() + ")"
                        : "the address streaming there (" + format(participant.address()) + ")");
    }

    @Override
    public void socketError(Participant participant, Throwable cause) {
        LOG.info("UDP error for {} ({} so far): {}", participant.name(), participant.counters().socketErrors(),
                cause.toString());
    }

    // ------------------------------------------------------------------ ending sessions

    /** Ends a session (conductor thread). Idempotent. */
    public void end(Participant participant, SessionEndReason reason) {
        end(participant, reason, participant.address());
    }

    private void end(Participant participant, SessionEndReason reason, InetSocketAddress exitTo) {
        if (!participant.active()) {
            return;
        }
        boolean wasStreaming = participant.state() == Participant.State.STREAMING;
        participant.state(Participant.State.ENDING);
        participant.endReason(reason);
        names.release(participant.name(), participant);
        if (wasStreaming) {
            publishSnapshot();
        }
        long published = snapshots.generation();
        long deadline = System.nanoTime() + ENGINE_ACK_TIMEOUT_NANOS;
        whenEngineApplied(published, deadline, () -> finish(participant, reason, exitTo, wasStreaming));
    }

    private void whenEngineApplied(long target, long deadline, Runnable then) {
        if (!engine.running() || engine.appliedGeneration() >= target || System.nanoTime() > deadline) {
            then.run();
            return;
        }
        conductor.schedule(() -> whenEngineApplied(target, deadline, then), 1, TimeUnit.MILLISECONDS);
    }

    private void finish(Participant participant, SessionEndReason reason, InetSocketAddress exitTo,
                        boolean wasStreaming) {
        InetSocketAddress target = reason.sendsExit() && exitTo != null && !ownedByOther(exitTo, participant)
                ? exitTo : null;
        Channel channel = participant.channel();
        ChannelFuture closed = udp.sendExitAndClose(channel, target);
        closed.addListener(f -> conductor.execute(() -> release(participant)));
        String where = participant.address() != null ? format(participant.address())
                : format(participant.tcpPeer()) + " (TCP)";
        String verb = reason.refusal() ? "refused" : "leave";
        if (!reason.refusal()) {
            LOG.info("{} {} from {}: {}{}", verb, participant.name(), where, reason.description(),
                    wasStreaming ? "" : " (never streamed)");
        }
        for (SessionListener listener : listeners) {
            listener.left(participant, reason);
        }
    }

    private boolean ownedByOther(InetSocketAddress address, Participant except) {
        for (Participant other : active()) {
            if (other != except && address.equals(other.address())) {
                return true;
            }
        }
        return false;
    }

    private void release(Participant participant) {
        participant.state(Participant.State.ENDED);
        ParticipantStream stream = participant.stream();
        if (stream != null && stream.sender() != null) {
            stream.sender().close();
        }
        slots.release(participant);
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        for (Participant participant : active()) {
            long silent = now - participant.lastHeardNanos();
            if (participant.state() == Participant.State.AWAITING_AUDIO) {
                if (silent > config.firstAudioTimeout().toNanos()) {
                    end(participant, SessionEndReason.NO_AUDIO);
                }
            } else if (participant.state() == Participant.State.STREAMING && sendsAudio(participant)
                    && silent > config.sessionTimeout().toNanos()) {
                end(participant, SessionEndReason.SILENCE_TIMEOUT);
            }
        }
    }

    /** JackTrip never times out a client that sends no channels (it has no receiver to notice). */
    private static boolean sendsAudio(Participant participant) {
        ParticipantStream stream = participant.stream();
        return stream != null && stream.format().channelsSent() > 0;
    }

    /**
     * Renames a participant (conductor thread): its name, its mix settings and its place as a source
     * in everyone else's mix move along.
     *
     * @throws IllegalArgumentException if the new name is not allowed or already taken
     */
    public void rename(Participant participant, String newName) {
        String clean = NameRegistry.sanitize(newName);
        if (clean.isEmpty() || !clean.equals(newName)) {
            throw new IllegalArgumentException("names must be 1-" + NameRegistry.MAX_LENGTH
                    + " characters without ':', control characters or surrounding spaces");
        }
        if (names.taken(clean) && names.get(clean) != participant) {
            throw new IllegalStateException("the name '" + clean + "' is taken");
        }
        String old = participant.name();
        names.release(old, participant);
        participant.name(clean);
        names.claim(clean, participant);
        mixes.book().rename(old, clean);
        LOG.info("rename {} -> {}", old, clean);
        for (SessionListener listener : listeners) {
            listener.renamed(participant, old);
        }
        publishSnapshot();
    }

    /** Kicks a participant by name; false when nobody has that name. */
    public boolean kick(String name) {
        Participant participant = names.get(name);
        if (participant == null) {
            return false;
        }
        end(participant, SessionEndReason.KICKED);
        return true;
    }

    /** Ends every session with exit packets; the future completes when all sockets are closed. */
    public Future<Void> shutdown() {
        Promise<Void> done = conductor.newPromise();
        conductor.execute(() -> {
            shuttingDown = true;
            if (ticker != null) {
                ticker.cancel(false);
            }
            for (Participant participant : active()) {
                end(participant, SessionEndReason.HUB_SHUTDOWN);
            }
            awaitAllReleased(done, System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        });
        return done;
    }

    private void awaitAllReleased(Promise<Void> done, long deadline) {
        if (!slots.anyHeld() || System.nanoTime() > deadline) {
            done.trySuccess(null);
            return;
        }
        conductor.schedule(() -> awaitAllReleased(done, deadline), 5, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ snapshots

    /** Rebuilds the mix and the engine snapshot from the streaming participants (conductor thread). */
    public void publishSnapshot() {
        snapshots.publish(streaming());
    }

    // ------------------------------------------------------------------ queries (conductor thread)

    /** Streaming participants in slot order. */
    public List<Participant> streaming() {
        return slots.streaming();
    }

    /** The streaming participants as the mixer sees them. */
    public List<MixModel.Member> members() {
        return snapshots.members(streaming());
    }

    public MixModel mixes() {
        return mixes;
    }

    /** The active session that logged in as {@code username} most recently, or null. */
    public Participant byUsername(String username) {
        return slots.byUsername(username);
    }

    /** Active sessions in slot order. */
    public List<Participant> active() {
        return slots.active();
    }

    public Participant byName(String name) {
        return names.get(name);
    }

    public MixPlan plan() {
        return snapshots.plan();
    }

    static String format(InetSocketAddress address) {
        if (address == null) {
            return "?";
        }
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
