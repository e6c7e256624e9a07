package org.tutti.loadgen;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.tutti.protocol.handshake.AuthCode;
import org.tutti.protocol.handshake.HandshakeExchange;
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
        HandshakeRequest request = new HandshakeRequest(localUdpPort, name, false);
        for (int attempt = 1;; attempt++) {
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.connect(hub, timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                int value = HandshakeExchange.exchange(socket, request);
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
}
