package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.handshake.AuthCode;
import org.tutti.protocol.handshake.AuthenticatedRequest;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.handshake.ParseStatus;
import org.tutti.protocol.testing.Capture;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.Hex;
import org.tutti.protocol.testing.TcpConnection;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;

/**
 * Authentication (spec §2.2) as seen on the wire: c6 (accepted), c7 (auth client, plain hub),
 * c8 (plain client, auth hub) and p3 (probe: accepted, wrong password, outside the time window,
 * empty schedule, empty user name; then a plain request). Credentials travel inside TLS 1.3
 * (TLS_AES_256_GCM_SHA384), so the captures show only the record lengths: a record's plaintext is
 * its length minus 17 (one content-type byte and a 16-byte tag).
 */
class AuthenticationCaptureTest {
    private static final int TLS_1_3_OVERHEAD = 1 + 16;
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int TLS_APPLICATION_DATA = 0x17;

    @Test
    void c6AuthClientSendsTheOkMarkerAndAnAuthHubEchoesIt() {
        TcpConnection session = Captures.open(Captures.C6_AUTH_REAL).onlyTcpConnectionTo(Captures.HUB_TCP_PORT);
        byte[] up = session.clientToServer();
        byte[] down = session.serverToClient();

        assertEquals("00 00 01 00", Hex.of(up, 0, 4));
        assertEquals(ParseStatus.AUTH_REQUESTED, parsePlain(Arrays.copyOf(up, 4)));
        assertEquals(AuthCode.OK, AuthCode.fromWire(HandshakeReply.read(ByteBuffer.wrap(down), 0)));
        assertFalse(HandshakeReply.isPort(HandshakeReply.read(ByteBuffer.wrap(down), 0)));
        assertEquals(TLS_HANDSHAKE, up[4], "then the client starts TLS (ClientHello)");
    }

    @Test
    void c6CredentialRecordHasTheLengthOfAliceSecretsRequest() {
        TcpConnection session = Captures.open(Captures.C6_AUTH_REAL).onlyTcpConnectionTo(Captures.HUB_TCP_PORT);
        List<int[]> up = tlsRecords(session.clientToServer(), 4);
        List<int[]> down = tlsRecords(session.serverToClient(), 4);
        int[] credentials = up.get(up.size() - 1);
        int[] reply = down.get(down.size() - 1);

        assertEquals(TLS_APPLICATION_DATA, credentials[0]);
        assertEquals(AuthenticatedRequest.length(5, 6), credentials[1] - TLS_1_3_OVERHEAD, "78 + |alice| + |secret|");
        assertEquals(89, AuthenticatedRequest.length(5, 6));
        assertEquals(request(14600, "", "alice", "secret").length, credentials[1] - TLS_1_3_OVERHEAD);
        assertEquals(HandshakeReply.LENGTH, reply[1] - TLS_1_3_OVERHEAD, "the hub answers with 4 bytes inside TLS");
    }

    @Test
    void c6AfterAuthenticationTheAudioIsPlainJackTripUdp() {
        Capture c6 = Captures.open(Captures.C6_AUTH_REAL);
        DatagramValidator validator = DatagramValidator.forHubRate(48000);
        List<UdpDatagram> datagrams = c6.udpDatagrams();
        assertTrue(datagrams.size() > 900);
        for (UdpDatagram datagram : datagrams) {
            DatagramCheck check = CapturedPackets.check(validator, datagram);
            assertTrue(check == DatagramCheck.OK || check == DatagramCheck.EXIT, datagram + ": " + check);
        }
    }

    @Test
    void c7APlainHubAnswersTheOkMarkerWithNotRequired() {
        Capture c7 = Captures.open(Captures.C7_AUTH_NOTREQUIRED);
        TcpConnection session = c7.onlyTcpConnectionTo(Captures.HUB_TCP_PORT);

        assertEquals(ParseStatus.AUTH_REQUESTED, parsePlain(session.clientToServer()));
        assertEquals("00 00 03 00", Hex.of(session.serverToClient()));
        assertEquals(AuthCode.NOTREQUIRED, AuthCode.fromWire(HandshakeReply.read(ByteBuffer.wrap(session.serverToClient()), 0)));
        assertTrue(c7.udpDatagrams().isEmpty(), "the client stops: no audio");
    }

    @Test
    void c8AnAuthHubAnswersAPlainRequestWithRequired() {
        Capture c8 = Captures.open(Captures.C8_AUTH_REQUIRED);
        TcpConnection session = c8.onlyTcpConnectionTo(Captures.HUB_TCP_PORT);

        assertEquals(new HandshakeRequest(14600, "", false), CapturedPackets.request(session.clientToServer()));
        assertEquals("00 00 02 00", Hex.of(session.serverToClient()));
        int reply = HandshakeReply.read(ByteBuffer.wrap(session.serverToClient()), 0);
        assertEquals(AuthCode.REQUIRED, AuthCode.fromWire(reply));
        assertFalse(HandshakeReply.isPort(reply));
        assertTrue(c8.udpDatagrams().isEmpty(), "the client stops: no audio");
    }

    /** One {@code fakeclient.py auth:USER:PASS} run of p3, from commands.txt, with what probe.log.txt saw decrypted. */
    private record Attempt(String user, String password, int sentBytes, byte[] reply) {
    }

    @Test
    void p3EveryCredentialRecordHasTheLengthTheRequestLayoutGives() {
        Capture p3 = Captures.open(Captures.P3_AUTH);
        List<Attempt> attempts = p3Attempts();
        List<TcpConnection> sessions = p3.tcpConnectionsTo(Captures.HUB_TCP_PORT);
        assertEquals(5, attempts.size());
        assertEquals(6, sessions.size());

        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt = attempts.get(i);
            TcpConnection session = sessions.get(i);
            List<int[]> up = tlsRecords(session.clientToServer(), 4);
            int expected = AuthenticatedRequest.length(attempt.user().length(), attempt.password().length());

            assertEquals(ParseStatus.AUTH_REQUESTED, parsePlain(Arrays.copyOf(session.clientToServer(), 4)), attempt.toString());
            assertEquals(AuthCode.OK, AuthCode.fromWire(HandshakeReply.read(ByteBuffer.wrap(session.serverToClient()), 0)));
            assertEquals(expected, up.get(up.size() - 1)[1] - TLS_1_3_OVERHEAD, attempt.user() + "/" + attempt.password());
            assertEquals(expected, attempt.sentBytes(), "probe.log.txt agrees");
            assertEquals(expected, request(14713, "authed", attempt.user(), attempt.password()).length);
        }
    }

    @Test
    void p3DecryptedRepliesAreAPortOrWrongCredsOrWrongTime() {
        List<Attempt> attempts = p3Attempts();
        List<Object> replies = new ArrayList<>();
        for (Attempt attempt : attempts) {
            int value = HandshakeReply.read(ByteBuffer.wrap(attempt.reply()), 0);
            replies.add(HandshakeReply.isPort(value) ? (Object) value : AuthCode.fromWire(value));
        }
        // alice/secret, alice/wrong, bob (window not open), carol (empty schedule), empty user name
        assertEquals(List.of(14500, AuthCode.WRONGCREDS, AuthCode.WRONGTIME, AuthCode.WRONGTIME, AuthCode.WRONGCREDS), replies);
    }

    @Test
    void p3APlainRequestToTheAuthHubIsRefusedWithRequired() {
        TcpConnection plain = Captures.open(Captures.P3_AUTH).tcpConnectionsTo(Captures.HUB_TCP_PORT).get(5);

        assertEquals(new HandshakeRequest(14714, "plain", false), CapturedPackets.request(plain.clientToServer()));
        assertEquals(AuthCode.REQUIRED, AuthCode.fromWire(HandshakeReply.read(ByteBuffer.wrap(plain.serverToClient()), 0)));
    }

    private static List<Attempt> p3Attempts() {
        Matcher command = Pattern.compile("fakeclient\\.py auth:([^:\\s]*):(\\S*)").matcher(Captures.text(Captures.P3_AUTH, "commands.txt"));
        Matcher log = Pattern.compile("auth step2 sent (\\d+) bytes .*, reply ([0-9a-f]{8}) =")
                .matcher(Captures.text(Captures.P3_AUTH, "probe.log.txt"));
        List<Attempt> attempts = new ArrayList<>();
        while (command.find()) {
            assertTrue(log.find(), "probe.log.txt has a line for " + command.group());
            attempts.add(new Attempt(command.group(1), command.group(2), Integer.parseInt(log.group(1)), Hex.parse(log.group(2))));
        }
        return attempts;
    }

    private static ParseStatus parsePlain(byte[] bytes) {
        return HandshakeRequest.parse(ByteBuffer.wrap(bytes), 0, bytes.length, new HandshakeRequest[1]);
    }

    private static byte[] request(int port, String name, String user, String password) {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        int length = new AuthenticatedRequest(port, name, user, password).encode(buffer, 0);
        return Arrays.copyOf(buffer.array(), length);
    }

    /** TLS records in {@code stream} from {@code offset}: {type, length of the record body}. */
    private static List<int[]> tlsRecords(byte[] stream, int offset) {
        List<int[]> records = new ArrayList<>();
        int at = offset;
        while (at + 5 <= stream.length) {
            int type = stream[at] & 0xFF;
            int length = ((stream[at + 3] & 0xFF) << 8) | (stream[at + 4] & 0xFF);
            records.add(new int[] {type, length});
            at += 5 + length;
        }
        assertEquals(stream.length, at, "the stream is whole TLS records");
        return records;
    }
}
