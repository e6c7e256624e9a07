package org.tutti.protocol.handshake;

import java.nio.ByteBuffer;
import org.tutti.protocol.udp.LittleEndian;

/**
 * What the bytes a client has sent on the handshake connection so far amount to (spec §2): the
 * 68-byte request, the legacy 4-byte one, the auth marker, not enough yet, or garbage. I/O-free, so
 * the hub's Netty decoder and the reflector's blocking listener frame requests the same way.
 *
 * <p>Unlike JackTrip, a 4-byte request is not taken as legacy at once: the caller waits a while for
 * a name that arrives in a later segment ({@link Step#WAIT_FOR_NAME}), then calls {@link #legacy}.
 * Bytes that cannot be a JackTrip request are garbage at once: a port field above 65535 other than
 * the auth marker (JackTrip masks it; no real client sends one, but "GET " and TLS hellos do), more
 * than one request's worth, bytes after the auth marker, control characters in the name, or junk
 * after the name's NUL.
 */
public final class HandshakeFramer {
    /** What to do next. */
    public enum Step {
        /** Read more. */
        NEED_MORE,
        /** Only the port so far: wait for the name, then take it as a legacy request ({@link #legacy}). */
        WAIT_FOR_NAME,
        /** The client asks to authenticate (the 4-byte marker, alone). */
        AUTH_REQUESTED,
        /** A complete 68-byte request: {@link Verdict#request()}. */
        REQUEST,
        /** Not a handshake: {@link Verdict#garbage()} says why. */
        GARBAGE
    }

    /** A step, with the request when it is {@link Step#REQUEST} and the reason when it is {@link Step#GARBAGE}. */
    public record Verdict(Step step, HandshakeRequest request, String garbage) {
        static final Verdict NEED_MORE = new Verdict(Step.NEED_MORE, null, null);
        static final Verdict WAIT_FOR_NAME = new Verdict(Step.WAIT_FOR_NAME, null, null);
        static final Verdict AUTH_REQUESTED = new Verdict(Step.AUTH_REQUESTED, null, null);

        static Verdict garbage(String reason) {
            return new Verdict(Step.GARBAGE, null, reason);
        }
    }

    private HandshakeFramer() {
    }

    /**
     * Frames {@code received} bytes whose first {@code min(received, LENGTH + 1)} are in
     * {@code buffer[offset, …)}; the rest need not be kept (they can only make it garbage).
     */
    public static Verdict frame(ByteBuffer buffer, int offset, int received) {
        if (received >= HandshakeRequest.PORT_LENGTH) {
            int value = LittleEndian.getInt(buffer, offset);
            if ((value & 0xFFFF0000) != 0 && value != AuthCode.OK.wireValue()) {
                return Verdict.garbage(String.format("port field 0x%08x is not a port", value));
            }
        }
        HandshakeRequest[] request = new HandshakeRequest[1];
        int parsed = Math.min(received, HandshakeRequest.LENGTH);
        switch (HandshakeRequest.parse(buffer, offset, parsed, request)) {
            case NEED_MORE:
                return received >= HandshakeRequest.LENGTH ? Verdict.garbage("port field is 0 in a full-length request")
                        : Verdict.NEED_MORE;
            case AUTH_REQUESTED:
                return received == HandshakeRequest.PORT_LENGTH ? Verdict.AUTH_REQUESTED
                        : Verdict.garbage("bytes after the auth marker");
            case PORT_ONLY:
                String partial = nameProblem(buffer, offset, received - HandshakeRequest.PORT_LENGTH);
                return partial == null ? Verdict.WAIT_FOR_NAME : Verdict.garbage(partial);
            case COMPLETE:
                String problem = received > HandshakeRequest.LENGTH ? "more bytes than a handshake (" + received + ")"
                        : nameProblem(buffer, offset, ClientName.FIELD_LENGTH);
                return problem == null ? new Verdict(Step.REQUEST, request[0], null) : Verdict.garbage(problem);
            default:
                return Verdict.garbage("unparseable request");
        }
    }

    /** The legacy request that 4 bytes, framed as {@link Step#WAIT_FOR_NAME}, stand for once the wait is over. */
    public static HandshakeRequest legacy(ByteBuffer buffer, int offset) {
        HandshakeRequest[] request = new HandshakeRequest[1];
        if (HandshakeRequest.parse(buffer, offset, HandshakeRequest.PORT_LENGTH, request) != ParseStatus.PORT_ONLY) {
            throw new IllegalArgumentException("not a 4-byte request");
        }
        return request[0];
    }

    /** A real client zero-fills after the name and never sends control characters. */
    private static String nameProblem(ByteBuffer buffer, int offset, int nameBytes) {
        int at = offset + HandshakeRequest.PORT_LENGTH;
        boolean afterNul = false;
        for (int i = 0; i < nameBytes; i++) {
            int b = buffer.get(at + i) & 0xFF;
            if (afterNul) {
                if (b != 0) {
                    return "bytes after the name's terminating NUL";
                }
            } else if (b == 0) {
                afterNul = true;
            } else if (b < 0x20 || b == 0x7F) {
                return "control character in the name";
            }
        }
        return null;
    }
}
