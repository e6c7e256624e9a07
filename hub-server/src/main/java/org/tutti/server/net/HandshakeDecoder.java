package org.tutti.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tutti.protocol.handshake.HandshakeFramer;
import org.tutti.protocol.handshake.HandshakeRequest;

/**
 * Frames a client's handshake on the connection ({@link HandshakeFramer}): emits the request, the
 * legacy 4-byte one once {@code nameWait} passed without a name, {@link #AUTH_REQUESTED}, or
 * {@link Garbage}, then stops.
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
        HandshakeFramer.Verdict verdict = HandshakeFramer.frame(view, 0, length);
        switch (verdict.step()) {
            case NEED_MORE:
                return;
            case WAIT_FOR_NAME:
                if (legacyTimer == null) {
                    legacyTimer = ctx.executor().schedule(() -> legacyTimeout(ctx), nameWait.toNanos(),
                            TimeUnit.NANOSECONDS);
                }
                return;
            case AUTH_REQUESTED:
                finish(in, out, AUTH_REQUESTED);
                return;
            case REQUEST:
                finish(in, out, verdict.request());
                return;
            default:
                finish(in, out, new Garbage(verdict.garbage()));
        }
    }

    private void legacyTimeout(ChannelHandlerContext ctx) {
        if (done || !ctx.channel().isActive()) {
            return;
        }
        ByteBuf buffered = internalBuffer();
        if (buffered.readableBytes() == HandshakeRequest.PORT_LENGTH) {
            ByteBuffer view = ByteBuffer.allocate(HandshakeRequest.PORT_LENGTH);
            buffered.getBytes(buffered.readerIndex(), view.array());
            done = true;
            buffered.skipBytes(buffered.readableBytes());
            ctx.fireChannelRead(HandshakeFramer.legacy(view, 0));
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
