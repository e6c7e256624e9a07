package org.tutti.protocol.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reader on the container and link-layer variants that the real captures do not contain. Each
 * variant is built from real frames (c7: IPv4/TCP in classic pcap; the start of c13: IPv6, TCP and
 * UDP in pcapng) and must dissect exactly like the original.
 */
class CaptureFileTest {
    private static final List<Frame> IPV4_FRAMES = Captures.open(Captures.C7_AUTH_NOTREQUIRED).frames();
    private static final List<Frame> IPV6_FRAMES = Captures.open(Captures.C13_IPV6).frames().subList(0, 14);

    @Test
    void realCapturesComeInBothFormats() {
        assertEquals(CaptureFile.Format.PCAP, Captures.open(Captures.C7_AUTH_NOTREQUIRED).file().format());
        assertEquals(CaptureFile.Format.PCAPNG, Captures.open(Captures.C1_2CH16).file().format());
    }

    @Test
    void framesAreNumberedFromOneInFileOrder() {
        List<Frame> frames = Captures.open(Captures.C1_2CH16).frames();
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(i + 1, frames.get(i).number());
        }
    }

    enum PcapVariant {
        LITTLE_ENDIAN_MICROS(ByteOrder.LITTLE_ENDIAN, false),
        LITTLE_ENDIAN_NANOS(ByteOrder.LITTLE_ENDIAN, true),
        BIG_ENDIAN_MICROS(ByteOrder.BIG_ENDIAN, false),
        BIG_ENDIAN_NANOS(ByteOrder.BIG_ENDIAN, true);

        final ByteOrder order;
        final boolean nanos;

        PcapVariant(ByteOrder order, boolean nanos) {
            this.order = order;
            this.nanos = nanos;
        }
    }

    @ParameterizedTest
    @EnumSource(PcapVariant.class)
    void classicPcapIsReadInEitherByteOrderWithMicroOrNanosecondTimestamps(PcapVariant variant) {
        List<Frame> original = withNanos(IPV4_FRAMES, 789);
        byte[] file = SyntheticCaptures.pcap(variant.order, variant.nanos, LinkType.ETHERNET, original);

        CaptureFile read = CaptureFile.parse(file);

        assertEquals(CaptureFile.Format.PCAP, read.format());
        assertSameFrames(original, read.frames(), variant.nanos ? 0 : 789);
    }

    @Test
    void pcapngSectionsSetTheirOwnByteOrderAndUnknownBlocksAreSkipped() {
        SyntheticCaptures.PcapNg file = new SyntheticCaptures.PcapNg().section(ByteOrder.BIG_ENDIAN)
                .other(0x80000001, 20) // a block type reserved for local use
                .iface(LinkType.ETHERNET, 262144, null, null)
                .other(0x0BAE, 7); // a block type nobody has defined
        for (Frame frame : IPV4_FRAMES.subList(0, 5)) {
            file.enhanced(0, micros(frame.timestamp()), frame.data(), frame.originalLength());
        }
        file.section(ByteOrder.LITTLE_ENDIAN).iface(LinkType.ETHERNET, 262144, null, null).other(0x80000002, 12);
        for (Frame frame : IPV4_FRAMES.subList(5, IPV4_FRAMES.size())) {
            file.enhanced(0, micros(frame.timestamp()), frame.data(), frame.originalLength());
        }

        CaptureFile read = CaptureFile.parse(file.toByteArray());

        assertEquals(CaptureFile.Format.PCAPNG, read.format());
        assertSameFrames(IPV4_FRAMES, read.frames(), 0);
    }

    @Test
    void pcapngTimestampResolutionAndOffsetAreHonoured() {
        Instant time = Instant.parse("2026-11-24T07:19:34.286974123Z");
        long offset = 1_000_000L;
        long seconds = time.getEpochSecond() - offset;
        byte[] data = IPV4_FRAMES.get(0).data();
        byte[] file = new SyntheticCaptures.PcapNg().section(ByteOrder.LITTLE_ENDIAN)
                .iface(LinkType.ETHERNET, 0, 9, offset) // nanoseconds, plus a whole-second offset
                .iface(LinkType.ETHERNET, 0, 0x80 | 20, null) // 2^-20 s
                .iface(LinkType.ETHERNET, 0, 3, null) // milliseconds
                .enhanced(0, seconds * 1_000_000_000L + time.getNano(), data, data.length)
                .enhanced(1, (time.getEpochSecond() << 20) | (1L << 19), data, data.length)
                .enhanced(2, time.getEpochSecond() * 1000 + 286, data, data.length)
                .toByteArray();

        List<Frame> frames = CaptureFile.parse(file).frames();

        assertEquals(time, frames.get(0).timestamp());
        assertEquals(Instant.ofEpochSecond(time.getEpochSecond(), 500_000_000), frames.get(1).timestamp());
        assertEquals(Instant.ofEpochSecond(time.getEpochSecond(), 286_000_000), frames.get(2).timestamp());
    }

    @Test
    void pcapngSimpleAndObsoletePacketBlocksAreFramesToo() {
        Frame first = IPV4_FRAMES.get(3);
        Frame second = IPV4_FRAMES.get(5);
        byte[] file = new SyntheticCaptures.PcapNg().section(ByteOrder.BIG_ENDIAN)
                .iface(LinkType.ETHERNET, 0, null, null)
                .simple(first.data(), first.originalLength())
                .obsolete(0, micros(second.timestamp()), second.data())
                .toByteArray();

        List<Frame> frames = CaptureFile.parse(file).frames();

        assertEquals(2, frames.size());
        assertNull(frames.get(0).timestamp(), "a Simple Packet Block has no timestamp");
        assertArrayEquals(first.data(), frames.get(0).data());
        assertEquals(2, frames.get(1).number());
        assertEquals(second.timestamp(), frames.get(1).timestamp());
        assertArrayEquals(second.data(), frames.get(1).data());
    }

    @Test
    void snapLengthCutsAreVisibleAsIncompleteFrames() {
        Frame full = Captures.open(Captures.C1_2CH16).frame(750);
        byte[] cut = Arrays.copyOf(full.data(), 100);
        byte[] file = new SyntheticCaptures.PcapNg().section(ByteOrder.LITTLE_ENDIAN)
                .iface(LinkType.ETHERNET, 100, null, null)
                .enhanced(0, micros(full.timestamp()), cut, full.originalLength())
                .toByteArray();

        Frame frame = CaptureFile.parse(file).frame(1);
        UdpDatagram datagram = (UdpDatagram) PacketDissector.dissect(frame).orElseThrow();

        assertFalse(frame.isComplete());
        assertFalse(datagram.isComplete());
        assertEquals(536, datagram.udpLength());
        assertEquals(100 - 14 - 20 - 8, datagram.payload().length);
    }

    enum Encapsulation {
        ETHERNET(LinkType.ETHERNET),
        ETHERNET_WITH_VLAN_TAG(LinkType.ETHERNET),
        LINUX_SLL(LinkType.LINUX_SLL),
        LINUX_SLL2(LinkType.LINUX_SLL2),
        RAW_IP(LinkType.RAW),
        BSD_LOOPBACK_LITTLE_ENDIAN(LinkType.NULL),
        BSD_LOOPBACK_BIG_ENDIAN(LinkType.NULL),
        OPENBSD_LOOPBACK(LinkType.LOOP);

        final int linkType;

        Encapsulation(int linkType) {
            this.linkType = linkType;
        }

        /** Re-wraps the IP packet inside an Ethernet frame in this link layer. */
        byte[] wrap(byte[] ethernetFrame) {
            byte[] ip = Arrays.copyOfRange(ethernetFrame, 14, ethernetFrame.length);
            boolean v6 = (ip[0] & 0xF0) == 0x60;
            int etherType = v6 ? 0x86DD : 0x0800;
            SyntheticCaptures.Out out = new SyntheticCaptures.Out(ByteOrder.BIG_ENDIAN);
            switch (this) {
                case ETHERNET:
                    return ethernetFrame;
                case ETHERNET_WITH_VLAN_TAG:
                    return out.bytes(Arrays.copyOf(ethernetFrame, 12)).i16(0x8100).i16(42).i16(etherType).bytes(ip)
                            .toByteArray();
                case LINUX_SLL:
                    return out.i16(0).i16(772).i16(6).bytes(new byte[8]).i16(etherType).bytes(ip).toByteArray();
                case LINUX_SLL2:
                    return out.i16(etherType).i16(0).i32(1).i16(772).u8(0).u8(6).bytes(new byte[8]).bytes(ip)
                            .toByteArray();
                case RAW_IP:
                    return ip;
                case BSD_LOOPBACK_LITTLE_ENDIAN:
                    return new SyntheticCaptures.Out(ByteOrder.LITTLE_ENDIAN).i32(v6 ? 30 : 2).bytes(ip).toByteArray();
                case BSD_LOOPBACK_BIG_ENDIAN:
                case OPENBSD_LOOPBACK:
                    return out.i32(v6 ? 24 : 2).bytes(ip).toByteArray();
                default:
                    throw new AssertionError(this);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Encapsulation.class)
    void everyLinkLayerDissectsToTheSameIpv4AndIpv6Packets(Encapsulation encapsulation) {
        List<Frame> original = new ArrayList<>(IPV4_FRAMES);
        original.addAll(IPV6_FRAMES);
        List<Frame> wrapped = new ArrayList<>();
        for (Frame frame : original) {
            byte[] data = encapsulation.wrap(frame.data());
            wrapped.add(new Frame(wrapped.size() + 1, frame.timestamp(), encapsulation.linkType, data.length, data));
        }
        byte[] file = SyntheticCaptures.pcap(ByteOrder.LITTLE_ENDIAN, false, encapsulation.linkType, wrapped);

        List<Frame> read = CaptureFile.parse(file).frames();

        assertEquals(original.size(), read.size());
        int dissected = 0;
        for (int i = 0; i < original.size(); i++) {
            TransportPacket expected = PacketDissector.dissect(original.get(i)).orElseThrow();
            TransportPacket actual = PacketDissector.dissect(read.get(i)).orElseThrow(
                    () -> new AssertionError(encapsulation + ": frame not dissected"));
            assertEquals(describe(expected).replaceFirst("frame \\d+", ""), describe(actual).replaceFirst("frame \\d+", ""));
            dissected++;
        }
        assertEquals(original.size(), dissected);
    }

    @Test
    void framesThatAreNotIpOrNotUdpOrTcpAreSkippedNotFatal() {
        byte[] arp = Arrays.copyOf(IPV4_FRAMES.get(0).data(), 42);
        arp[12] = 0x08;
        arp[13] = 0x06;
        byte[] icmp = IPV4_FRAMES.get(0).data().clone();
        icmp[14 + 9] = 1;
        byte[] runt = Arrays.copyOf(IPV4_FRAMES.get(0).data(), 30);
        Instant now = Instant.now();
        for (byte[] data : List.of(arp, icmp, runt, new byte[0])) {
            assertTrue(PacketDissector.dissect(new Frame(1, now, LinkType.ETHERNET, data.length, data)).isEmpty());
        }
        assertTrue(PacketDissector.dissect(new Frame(1, now, 147, arp.length, arp)).isEmpty(), "unknown link type");
    }

    @Test
    void ipFragmentsAreNotDissected() {
        byte[] moreFragments = Captures.open(Captures.C1_2CH16).frame(750).data().clone();
        moreFragments[14 + 6] |= 0x20;
        assertTrue(PacketDissector.dissect(new Frame(1, Instant.EPOCH, LinkType.ETHERNET, moreFragments.length,
                moreFragments)).isEmpty());
    }

    @Test
    void damagedFilesAreRejectedWithTheOffset() {
        byte[] pcap = Captures.bytes(Captures.C7_AUTH_NOTREQUIRED, Captures.C7_AUTH_NOTREQUIRED + ".pcap");
        byte[] pcapng = Captures.bytes(Captures.C1_2CH16, Captures.C1_2CH16 + ".pcap");

        assertThrows(CaptureFormatException.class, () -> CaptureFile.parse(Arrays.copyOf(pcap, pcap.length - 3)));
        assertThrows(CaptureFormatException.class, () -> CaptureFile.parse(Arrays.copyOf(pcap, 20)));
        assertThrows(CaptureFormatException.class, () -> CaptureFile.parse(Arrays.copyOf(pcapng, 1000)));
        assertThrows(CaptureFormatException.class, () -> CaptureFile.parse(new byte[] {1, 2, 3}));
        assertThrows(CaptureFormatException.class, () -> CaptureFile.parse("not a capture".getBytes()));
        byte[] badByteOrder = pcapng.clone();
        badByteOrder[8] = 0;
        assertThrows(CaptureFormatException.class, () -> CaptureFile.parse(badByteOrder));
        byte[] noInterface = new SyntheticCaptures.PcapNg().section(ByteOrder.LITTLE_ENDIAN)
                .enhanced(0, 0, new byte[14], 14).toByteArray();
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> CaptureFile.parse(noInterface));
        assertTrue(e.getMessage().contains("interface 0"), e.getMessage());
    }

    private static List<Frame> withNanos(List<Frame> frames, int extraNanos) {
        return frames.stream().map(f -> new Frame(f.number(), f.timestamp().plusNanos(extraNanos), f.linkType(),
                f.originalLength(), f.data())).toList();
    }

    private static long micros(Instant time) {
        return time.getEpochSecond() * 1_000_000L + time.getNano() / 1_000;
    }

    private static void assertSameFrames(List<Frame> expected, List<Frame> actual, int nanosLost) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Frame e = expected.get(i);
            Frame a = actual.get(i);
            assertEquals(i + 1, a.number());
            assertEquals(e.timestamp().minusNanos(nanosLost), a.timestamp(), "frame " + a.number());
            assertEquals(e.originalLength(), a.originalLength());
            assertEquals(LinkType.ETHERNET, a.linkType());
            assertArrayEquals(e.data(), a.data(), "frame " + a.number());
        }
    }

    static String describe(TransportPacket packet) {
        String common = "frame " + packet.frameNumber() + " " + packet.timestamp() + " " + packet.source() + " -> "
                + packet.destination() + " " + Hex.of(packet.payload());
        if (packet instanceof TcpSegment tcp) {
            return "TCP " + common + " seq=" + tcp.sequence() + " ack=" + tcp.acknowledgement() + " flags=" + tcp.flags();
        }
        return "UDP " + common + " udpLength=" + ((UdpDatagram) packet).udpLength();
    }
}
