package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.handshake.ParseStatus;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.PacketHeader;

/** Small helpers the capture tests share: everything goes through the production classes. */
final class CapturedPackets {
    private CapturedPackets() {
    }

    /** The production header flyweight, wrapped at the start of the datagram. */
    static PacketHeader header(UdpDatagram datagram) {
        return new PacketHeader().wrap(datagram.payloadBuffer(), 0);
    }

    static DatagramCheck check(DatagramValidator validator, UdpDatagram datagram) {
        ByteBuffer payload = datagram.payloadBuffer();
        return validator.check(payload, 0, datagram.payload().length, new PacketHeader());
    }

    /** Parses a complete plain request, asserting it is one. */
    static HandshakeRequest request(byte[] bytes) {
        HandshakeRequest[] out = new HandshakeRequest[1];
        assertEquals(ParseStatus.COMPLETE, HandshakeRequest.parse(ByteBuffer.wrap(bytes), 0, bytes.length, out));
        return out[0];
    }

    static List<UdpDatagram> audioOnly(List<UdpDatagram> datagrams) {
        return datagrams.stream().filter(d -> !ExitPacket.isControlLength(d.payload().length)).toList();
    }

    static List<UdpDatagram> exitsOnly(List<UdpDatagram> datagrams) {
        return datagrams.stream().filter(d -> ExitPacket.isExit(d.payloadBuffer(), 0, d.payload().length)).toList();
    }
}
