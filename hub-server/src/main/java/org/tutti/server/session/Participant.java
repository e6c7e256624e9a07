package org.tutti.server.session;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.server.engine.ParticipantStream;

/**
 * One client's session, from handshake to exit. Owned by the control plane (the conductor thread),
 * which also sets {@link #stream} and the learned address when the network thread reports the first
 * datagram; the network thread reads them and {@link #state}, and records when it last heard the client.
 */
public final class Participant {
    /** Lifecycle; transitions only forward. */
    public enum State { AWAITING_AUDIO, STREAMING, ENDING, ENDED }

    private final long id;
    private final int slot;
    private final int udpPort;
    private final InetSocketAddress tcpPeer;
    private final HandshakeRequest request;
    private final long createdNanos;
    private final ParticipantCounters counters = new ParticipantCounters();
    private volatile String name;
    private volatile State state = State.AWAITING_AUDIO;
    private volatile InetSocketAddress address;
    private volatile ParticipantStream stream;
    private volatile long lastHeardNanos;
    private volatile long streamingSinceMillis;
    private volatile SessionEndReason endReason;
    /** The JackTrip username this participant logged in with ({@code -A}), else null. */
    private volatile String username;
    private Channel channel;
    /** A session that will end when this one starts streaming (same client reconnecting). */
    private Participant replaces;

    Participant(long id, int slot, int udpPort, String name, InetSocketAddress tcpPeer, HandshakeRequest request,
                long createdNanos) {
        this.id = id;
        this.slot = slot;
        this.udpPort = udpPort;
        this.name = name;
        this.tcpPeer = tcpPeer;
        this.request = request;
        this.createdNanos = createdNanos;
        this.lastHeardNanos = createdNanos;
    }

    public long id() {
        return id;
    }

    public int slot() {
        return slot;
    }

    public int udpPort() {
        return udpPort;
    }

    public String name() {
        return name;
    }

    void name(String newName) {
        this.name = newName;
    }

    /** The TCP peer of the handshake (only for logs and the reconnect rule). */
    /** The JackTrip username this participant logged in with ({@code -A}), else null. */
    public String username() {
        return username;
    }

    void username(String value) {
        username = value;
    }

    public InetSocketAddress tcpPeer() {
        return tcpPeer;
    }

    public HandshakeRequest request() {
        return request;
    }

    public long createdNanos() {
        return createdNanos;
    }

    public State state() {
        return state;
    }

    void state(State next) {
        this.state = next;
    }

    /** Where its datagrams come from and ours go; null until the first datagram. */
    public InetSocketAddress address() {
        return address;
    }

    public ParticipantStream stream() {
        return stream;
    }

    /** Conductor thread: the stream built for the first valid datagram, from the client's address. */
    public void startStream(InetSocketAddress source, ParticipantStream newStream, long nowNanos) {
        this.address = source;
        this.stream = newStream;
        this.lastHeardNanos = nowNanos;
    }

    public long lastHeardNanos() {
        return lastHeardNanos;
    }

    public void heard(long nowNanos) {
        this.lastHeardNanos = nowNanos;
    }

    public long streamingSinceMillis() {
        return streamingSinceMillis;
    }

    void streamingSince(long millis) {
        this.streamingSinceMillis = millis;
    }

    public SessionEndReason endReason() {
        return endReason;
    }

    void endReason(SessionEndReason reason) {
        this.endReason = reason;
    }

    public ParticipantCounters counters() {
        return counters;
    }

    public Channel channel() {
        return channel;
    }

    void channel(Channel boundChannel) {
        this.channel = boundChannel;
    }

    Participant replaces() {
        return replaces;
    }

    void replaces(Participant older) {
        this.replaces = older;
    }

    public boolean active() {
        State s = state;
        return s == State.AWAITING_AUDIO || s == State.STREAMING;
    }

    @Override
    public String toString() {
        return name + " (slot " + slot + ", udp " + udpPort + ", " + state + ")";
    }
}
