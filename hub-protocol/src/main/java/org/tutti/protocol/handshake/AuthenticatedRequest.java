package org.tutti.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.tutti.protocol.udp.LittleEndian;

/**
 * The request an authenticating client sends inside TLS (spec §2.2): port, 64-byte name, then
 * username and password lengths (int32 LE, without NUL) and the two NUL-terminated strings.
 * Total {@code 78 + U + P} bytes.
 */
public record AuthenticatedRequest(int clientUdpPort, String name, String username, String password) {
    public static final int USERNAME_LENGTH_OFFSET = HandshakeRequest.LENGTH;
    public static final int PASSWORD_LENGTH_OFFSET = USERNAME_LENGTH_OFFSET + 4;
    public static final int STRINGS_OFFSET = PASSWORD_LENGTH_OFFSET + 4;
    /** Bytes before the strings plus their two NULs. */
    public static final int FIXED_LENGTH = STRINGS_OFFSET + 2;
    /** Longer credentials are refused as malformed rather than buffered. */
    public static final int MAX_CREDENTIAL_BYTES = 4096;

    /** Total length of a request with these credential lengths. */
    public static int length(int usernameBytes, int passwordBytes) {
        return FIXED_LENGTH + usernameBytes + passwordBytes;
    }

    /**
     * Parses from {@code buffer[offset, offset + length)} without consuming. The hub peeks at the
     * two lengths first and waits until all {@code 78 + U + P} bytes are there.
     */
    public static ParseStatus parse(ByteBuffer buffer, int offset, int length, AuthenticatedRequest[] out) {
        if (length < STRINGS_OFFSET) {
            return ParseStatus.NEED_MORE;
        }
        int userBytes = LittleEndian.getInt(buffer, offset + USERNAME_LENGTH_OFFSET);
        int passwordBytes = LittleEndian.getInt(buffer, offset + PASSWORD_LENGTH_OFFSET);
        if (userBytes < 0 || passwordBytes < 0 || userBytes > MAX_CREDENTIAL_BYTES
                || passwordBytes > MAX_CREDENTIAL_BYTES) {
            return ParseStatus.MALFORMED;
        }
        if (length < length(userBytes, passwordBytes)) {
            return ParseStatus.NEED_MORE;
        }
        int userAt = offset + STRINGS_OFFSET;
        int passwordAt = userAt + userBytes + 1;
        if (buffer.get(userAt + userBytes) != 0 || buffer.get(passwordAt + passwordBytes) != 0) {
            return ParseStatus.MALFORMED;
        }
        int port = LittleEndian.getInt(buffer, offset) & 0xFFFF;
        String name = ClientName.decode(buffer, offset + HandshakeRequest.PORT_LENGTH);
        out[0] = new AuthenticatedRequest(port, name, utf8(buffer, userAt, userBytes),
                utf8(buffer, passwordAt, passwordBytes));
        return ParseStatus.COMPLETE;
    }

    /** Writes the whole request; returns its length. */
    public int encode(ByteBuffer buffer, int offset) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        byte[] pass = password.getBytes(StandardCharsets.UTF_8);
        if (user.length > MAX_CREDENTIAL_BYTES || pass.length > MAX_CREDENTIAL_BYTES) {
            throw new IllegalArgumentException("credentials longer than " + MAX_CREDENTIAL_BYTES + " bytes");
        }
        LittleEndian.putInt(buffer, offset, clientUdpPort);
        ClientName.encode(name, buffer, offset + HandshakeRequest.PORT_LENGTH);
        LittleEndian.putInt(buffer, offset + USERNAME_LENGTH_OFFSET, user.length);
        LittleEndian.putInt(buffer, offset + PASSWORD_LENGTH_OFFSET, pass.length);
        int at = offset + STRINGS_OFFSET;
        for (byte b : user) {
            buffer.put(at++, b);
        }
        buffer.put(at++, (byte) 0);
        for (byte b : pass) {
            buffer.put(at++, b);
        }
        buffer.put(at++, (byte) 0);
        return at - offset;
    }

    private static String utf8(ByteBuffer buffer, int at, int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = buffer.get(at + i);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "AuthenticatedRequest[clientUdpPort=" + clientUdpPort + ", name=" + name + ", username="
                + username + ", password=<" + password.length() + " chars>]";
    }
}
