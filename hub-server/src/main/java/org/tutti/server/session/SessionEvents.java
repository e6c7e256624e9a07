package org.tutti.server.session;

import java.net.InetSocketAddress;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.server.engine.StreamFormat;

/**
 * What the network thread tells the control plane about a participant's datagrams. Implementations
 * hop to the conductor thread; the network thread never waits.
 */
public interface SessionEvents {
    /**
     * The session's first valid datagram came from {@code source}, in {@code format}, with
     * {@code packetsPerDatagram} packets (the client's redundancy). The control plane builds the stream
     * and publishes it in {@link Participant#stream()}; the network thread drops the participant's
     * packets until it sees it there.
     */
    void firstDatagram(Participant participant, StreamFormat format, int packetsPerDatagram, InetSocketAddress source,
                       long nowNanos);

    /** The client sent its exit packet. */
    void clientExit(Participant participant);

    /** A datagram the session cannot accept at all (sample rate, bit resolution). */
    void refused(Participant participant, DatagramCheck check, InetSocketAddress source, int rateCode, int bits);

    /** A malformed datagram; called for the 1st, 10th, 100th … of each kind so logs stay readable. */
    void malformed(Participant participant, String what, long count, InetSocketAddress source);

    /**
     * A datagram from an address that is not the participant's (before their first datagram: not
     * the address of their handshake); called for the 1st, 10th, 100th … so logs stay readable.
     */
    void foreign(Participant participant, InetSocketAddress source, long count);

    /** The participant's socket reported an error. */
    void socketError(Participant participant, Throwable cause);
}
