package org.tutti.protocol.testing;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A captured TCP segment.
 *
 * @param sequence        the raw (absolute) sequence number, 0..2³²−1
 * @param acknowledgement the raw acknowledgement number
 * @param flags           the flag bits ({@link #FIN} … {@link #CWR}, plus {@link #NS})
 */
public record TcpSegment(int frameNumber, Instant timestamp, InetSocketAddress source,
                         InetSocketAddress destination, long sequence, long acknowledgement, int flags,
                         byte[] payload) implements TransportPacket {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;
    public static final int NS = 0x100;

    public boolean isSyn() {
        return (flags & SYN) != 0;
    }

    public boolean isAck() {
        return (flags & ACK) != 0;
    }

    public boolean isFin() {
        return (flags & FIN) != 0;
    }

    public boolean isRst() {
        return (flags & RST) != 0;
    }

    /**
     * Sequence space the segment occupies: its payload, plus one each for SYN and FIN. A SYN's
     * payload (TCP Fast Open) starts at {@code sequence + 1}.
     */
    public long payloadSequence() {
        return (sequence + (isSyn() ? 1 : 0)) & 0xFFFF_FFFFL;
    }

    @Override
    public String toString() {
        StringBuilder names = new StringBuilder();
        String[] labels = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"};
        for (int bit = 0; bit < labels.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                names.append(names.length() == 0 ? "" : ",").append(labels[bit]);
            }
        }
        return "TCP[frame " + frameNumber + " " + source + " -> " + destination + " [" + names + "] seq="
                + sequence + " " + payload.length + " bytes]";
    }
}
