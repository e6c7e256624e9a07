package org.tutti.protocol.handshake;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The client's side of the plain handshake (spec §2.1) on a connected blocking socket: the 68-byte
 * request in one write, the 4-byte reply back. What the load generator and the tests' clients send,
 * so both speak it one way. The caller owns the socket (connect timeout, retries, closing).
 */
public final class HandshakeExchange {
    private HandshakeExchange() {
    }

    /**
     * Sends {@code request} and returns the hub's reply as read: a UDP port ({@link HandshakeReply#isPort}) or
     * an {@link AuthCode}'s wire value.
     *
     * @throws EOFException when the hub closes the connection before a whole reply (JackTrip's hub does so
     *                      when it has no free slot)
     */
    public static int exchange(Socket socket, HandshakeRequest request) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(HandshakeRequest.LENGTH);
        int length = request.encode(bytes, 0);
        OutputStream out = socket.getOutputStream();
        out.write(bytes.array(), 0, length);
        out.flush();
        byte[] reply = new byte[HandshakeReply.LENGTH];
        InputStream in = socket.getInputStream();
        for (int got = 0; got < reply.length; ) {
            int n = in.read(reply, got, reply.length - got);
            if (n < 0) {
                throw new EOFException("hub closed the connection without a reply (no free slot?)");
            }
            got += n;
        }
        return HandshakeReply.read(ByteBuffer.wrap(reply), 0);
    }
}
