package org.tutti.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.tutti.protocol.handshake.AuthCode;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;

/** The client side of the TCP handshake (spec §2.1): 68 bytes in one write, 4 bytes back, close. */
final class HandshakeClient {
    /** A refused connection is retried this many times (JackTrip retries for 30 s; a load test should not). */
    static final int CONNECT_ATTEMPTS = 3;

    private HandshakeClient() {
    }

    /** Returns the hub UDP port for this client, or throws with the reason the hub gave. */
    static int handshake(InetSocketAddress hub, int localUdpPort, String name, int timeoutMillis) throws IOException {
        ByteBuffer request = ByteBuffer.allocate(HandshakeRequest.LENGTH);
        int length = new HandshakeRequest(localUdpPort, name, false).encode(request, 0);
        for (int attempt = 1;; attempt++) {
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.connect(hub, timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                socket.getOutputStream().write(request.array(), 0, length);
                socket.getOutputStream().flush();
                byte[] reply = readReply(socket.getInputStream());
                int value = HandshakeReply.read(ByteBuffer.wrap(reply), 0);
                if (HandshakeReply.isPort(value)) {
                    return value;
                }
                AuthCode code = AuthCode.fromWire(value);
                throw new IOException("hub answered " + (code != null ? code : "invalid value " + value)
                        + " instead of a port");
            } catch (ConnectException e) {
                if (attempt >= CONNECT_ATTEMPTS) {
                    throw e;
                }
                NioClientIo.sleep(200L * attempt);
            }
        }
    }

    private static byte[] readReply(InputStream in) throws IOException {
        byte[] reply = new byte[HandshakeReply.LENGTH];
        int got = 0;
        while (got < reply.length) {
            int n = in.read(reply, got, reply.length - got);
            if (n < 0) {
                throw new IOException("hub closed the connection without a reply (no free slot?)");
            }
            got += n;
        }
        return reply;
    }
}
