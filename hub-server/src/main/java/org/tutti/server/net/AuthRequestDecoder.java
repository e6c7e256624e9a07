package org.tutti.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import org.tutti.protocol.handshake.AuthenticatedRequest;
import org.tutti.protocol.handshake.ParseStatus;

/**
 * Frames the request an authenticating client sends inside TLS (port, name, username and password;
 * spec §2.2): waits until all 78 + U + P bytes are there, as JackTrip does, then emits one
 * {@link AuthenticatedRequest}; lengths past {@link AuthenticatedRequest#MAX_CREDENTIAL_BYTES}, a
 * missing NUL or bytes beyond the request are {@link HandshakeDecoder.Garbage}.
 */
public final class AuthRequestDecoder extends ByteToMessageDecoder {
    private static final int MAX_LENGTH = AuthenticatedRequest.length(AuthenticatedRequest.MAX_CREDENTIAL_BYTES,
            AuthenticatedRequest.MAX_CREDENTIAL_BYTES);
    private boolean done;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int length = in.readableBytes();
        if (length > MAX_LENGTH) {
            finish(in, out, new HandshakeDecoder.Garbage("more bytes than any credentials request (" + length + ")"));
            return;
        }
        ByteBuffer view = ByteBuffer.allocate(length);
        in.getBytes(in.readerIndex(), view.array());
        AuthenticatedRequest[] request = new AuthenticatedRequest[1];
        ParseStatus status = AuthenticatedRequest.parse(view, 0, length, request);
        if (status == ParseStatus.NEED_MORE) {
            return;
        }
        if (status != ParseStatus.COMPLETE) {
            finish(in, out, new HandshakeDecoder.Garbage("not a credentials request"));
        } else if (length > AuthenticatedRequest.length(
                in.getIntLE(in.readerIndex() + AuthenticatedRequest.USERNAME_LENGTH_OFFSET),
                in.getIntLE(in.readerIndex() + AuthenticatedRequest.PASSWORD_LENGTH_OFFSET))) {
            finish(in, out, new HandshakeDecoder.Garbage("bytes after the credentials request"));
        } else {
            finish(in, out, request[0]);
        }
    }

    private void finish(ByteBuf in, List<Object> out, Object result) {
        done = true;
        in.skipBytes(in.readableBytes());
        out.add(result);
    }
}
