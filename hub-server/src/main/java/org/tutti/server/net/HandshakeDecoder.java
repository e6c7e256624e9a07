package org.tutti.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tutti.protocol.handshake.AuthCode;
import org.tutti.protocol.handshake.ClientName;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.handshake.ParseStatus;

/**
 * Frames a client's handshake: the 68-byte request, the legacy 4-byte one, or the auth marker.
 *
 * <p>Unlike JackTrip, it waits {@code nameWait} for a name that arrives in a later segment before
 * treating a 4-byte request as legacy. Bytes that cannot be a JackTrip request are rejected as
 * garbage at once: a port field above 65535 other than the auth marker (JackTrip masks it; no real
 * client sends one, but "GET " and TLS hellos do), more than one request's worth, control
 * characters in the name, or junk after the name's NUL.
 */
public final class HandshakeDecoder extends ByteToMessageDecoder {
    /** Emitted when the client sent 65536 (wants to authenticate). */
    public static final Object AUTH_REQUESTED = new Object() {
        @Override
        public String toString() {
            return "AUTH_REQUESTED";
        }
    };

    /** Emitted (then the decoder stops) when the input cannot be a handshake. */
    public record Garbage(String reason) {
    }

    private final Duration nameWait;
    private ScheduledFuture<?> legacyTimer;
    private boolean done;

    public HandshakeDecoder(Duration nameWait) {
        this.nameWait = nameWait;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int length = in.readableBytes();
        ByteBuffer view = ByteBuffer.allocate(Math.min(length, HandshakeRequest.LENGTH + 1));
        in.getBytes(in.readerIndex(), view.array(), 0, view.capacity());
        if (length >= HandshakeRequest.PORT_LENGTH) {
            int value = in.getIntLE(in.readerIndex());
            if ((value & 0xFFFF0000) != 0 && value != AuthCode.OK.wireValue()) {
                finish(in, out, new Garbage(String.format("port field 0x%08x is not a port", value)));
                return;
            }
        }
        HandshakeRequest[] request = new HandshakeRequest[1];
        ParseStatus status = HandshakeRequest.parse(view, 0, view.capacity(), request);
        switch (status) {
            case NEED_MORE:
                if (length >= HandshakeRequest.LENGTH) {
                    finish(in, out, new Garbage("port field is 0 in a full-length request"));
                }
                return;
            case AUTH_REQUESTED:
                finish(in, out, length == HandshakeRequest.PORT_LENGTH ? AUTH_REQUESTED
                        : new Garbage("bytes after the auth marker"));
                return;
            case PORT_ONLY:
                String partial = nameProblem(view, length - HandshakeRequest.PORT_LENGTH);
                if (partial != null) {
                    finish(in, out, new Garbage(partial));
                    return;
                }
                if (legacyTimer == null) {
                    legacyTimer = ctx.executor().schedule(() -> legacyTimeout(ctx), nameWait.toNanos(),
                            TimeUnit.NANOSECONDS);
                }
                return;
            case COMPLETE:
                String problem = length > HandshakeRequest.LENGTH ? "more bytes than a handshake ("
                        + length + ")" : nameProblem(view, ClientName.FIELD_LENGTH);
                finish(in, out, problem == null ? request[0] : new Garbage(problem));
                return;
            default:
                finish(in, out, new Garbage("unparseable request"));
        }
    }

    /** A real client zero-fills after the name and never sends control characters. */
    private static String nameProblem(ByteBuffer view, int nameBytes) {
        int at = HandshakeRequest.PORT_LENGTH;
        boolean afterNul = false;
        for (int i = 0; i < nameBytes; i++) {
            int b = view.get(at + i) & 0xFF;
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

    private void legacyTimeout(ChannelHandlerContext ctx) {
        if (done || !ctx.channel().isActive()) {
            return;
        }
        ByteBuf buffered = internalBuffer();
        if (buffered.readableBytes() == HandshakeRequest.PORT_LENGTH) {
            ByteBuffer view = ByteBuffer.allocate(HandshakeRequest.PORT_LENGTH);
            buffered.getBytes(buffered.readerIndex(), view.array());
            HandshakeRequest[] request = new HandshakeRequest[1];
            HandshakeRequest.parse(view, 0, HandshakeRequest.PORT_LENGTH, request);
            done = true;
            buffered.skipBytes(buffered.readableBytes());
            ctx.fireChannelRead(request[0]);
        }
        // Anything between 5 and 67 bytes: an incomplete name; the handshake deadline closes it.
    }

    private void finish(ByteBuf in, List<Object> out, Object result) {
        done = true;
        if (legacyTimer != null) {
            legacyTimer.cancel(false);
        }
        in.skipBytes(in.readableBytes());
        out.add(result);
    }

    @Override
    public void handlerRemoved0(ChannelHandlerContext ctx) {
        if (legacyTimer != null) {
            legacyTimer.cancel(false);
        }
    }
}
