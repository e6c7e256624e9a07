package org.tutti.protocol.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Takes a captured {@link Frame} apart down to its UDP or TCP payload.
 *
 * <ul>
 *   <li>Link layers: Ethernet II (with 802.1Q/802.1ad tags), Linux cooked SLL and SLL2, raw IP,
 *       BSD/OpenBSD loopback; see {@link LinkType}.</li>
 *   <li>IPv4 (options skipped; the total-length field trims Ethernet padding) and IPv6 (hop-by-hop,
 *       routing, destination-options and AH extension headers skipped).</li>
 *   <li>UDP and TCP. Anything else (ARP, ICMP, ...) and IP fragments give an empty result: the
 *       JackTrip captures have no fragments, and reassembling them is out of scope.</li>
 * </ul>
 *
 * Bytes the snap length cut off are simply missing from the payload; see {@link UdpDatagram#isComplete()}.
 * Frames too short for the headers they announce also give an empty result rather than an exception.
 */
public final class PacketDissector {
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int ETHERTYPE_VLAN_OLD_QINQ = 0x9100;

    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;
    private static final int IPV6_HOP_BY_HOP = 0;
    private static final int IPV6_ROUTING = 43;
    private static final int IPV6_FRAGMENT = 44;
    private static final int IPV6_AUTHENTICATION = 51;
    private static final int IPV6_DESTINATION_OPTIONS = 60;

    /** BSD address family values for IPv4 and (depending on the OS) IPv6. */
    private static final int AF_INET = 2;
    private static final int[] AF_INET6 = {10, 24, 28, 30};

    private PacketDissector() {
    }

    public static Optional<TransportPacket> dissect(Frame frame) {
        byte[] data = frame.data();
        int ip = networkOffset(frame.linkType(), data);
        if (ip < 0 || ip >= data.length) {
            return Optional.empty();
        }
        int version = (data[ip] & 0xF0) >>> 4;
        if (version == 4) {
            return ipv4(frame, data, ip);
        }
        if (version == 6) {
            return ipv6(frame, data, ip);
        }
        return Optional.empty();
    }

    /** Offset of the IP header inside the frame, or -1 if the frame does not carry IP. */
    private static int networkOffset(int linkType, byte[] data) {
        switch (linkType) {
            case LinkType.ETHERNET: {
                int at = 12;
                while (at + 2 <= data.length) {
                    int etherType = u16(data, at);
                    if (etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ || etherType == ETHERTYPE_VLAN_OLD_QINQ) {
                        at += 4;
                        continue;
                    }
                    return isIp(etherType) ? at + 2 : -1;
                }
                return -1;
            }
            case LinkType.LINUX_SLL:
                return data.length >= 16 && isIp(u16(data, 14)) ? 16 : -1;
            case LinkType.LINUX_SLL2:
                return data.length >= 20 && isIp(u16(data, 0)) ? 20 : -1;
            case LinkType.RAW:
            case LinkType.RAW_OPENBSD:
            case LinkType.IPV4:
            case LinkType.IPV6:
                return 0;
            case LinkType.NULL: {
                if (data.length < 4) {
                    return -1;
                }
                // Host byte order of the machine that captured: accept either.
                int family = u32le(data, 0);
                int swapped = Integer.reverseBytes(family);
                return isFamily(family) || isFamily(swapped) ? 4 : -1;
            }
            case LinkType.LOOP:
                return data.length >= 4 && isFamily(Integer.reverseBytes(u32le(data, 0))) ? 4 : -1;
            default:
                return -1;
        }
    }

    private static boolean isIp(int etherType) {
        return etherType == ETHERTYPE_IPV4 || etherType == ETHERTYPE_IPV6;
    }

    private static boolean isFamily(int family) {
        return family == AF_INET || Arrays.stream(AF_INET6).anyMatch(f -> f == family);
    }

    private static Optional<TransportPacket> ipv4(Frame frame, byte[] data, int ip) {
        if (data.length - ip < 20) {
            return Optional.empty();
        }
        int headerLength = (data[ip] & 0x0F) * 4;
        int totalLength = u16(data, ip + 2);
        int fragment = u16(data, ip + 6);
        boolean moreFragments = (fragment & 0x2000) != 0;
        if (headerLength < 20 || moreFragments || (fragment & 0x1FFF) != 0) {
            return Optional.empty();
        }
        // A total length of 0 comes from segmentation offload on the capturing host: use what is there.
        int end = totalLength == 0 ? data.length : Math.min(data.length, ip + totalLength);
        InetAddress source = address(data, ip + 12, 4);
        InetAddress destination = address(data, ip + 16, 4);
        return transport(frame, data, data[ip + 9] & 0xFF, ip + headerLength, end, source, destination);
    }

    private static Optional<TransportPacket> ipv6(Frame frame, byte[] data, int ip) {
        if (data.length - ip < 40) {
            return Optional.empty();
        }
        int payloadLength = u16(data, ip + 4);
        int next = data[ip + 6] & 0xFF;
        InetAddress source = address(data, ip + 8, 16);
        InetAddress destination = address(data, ip + 24, 16);
        int at = ip + 40;
        // A payload length of 0 means a jumbogram (or offload): use what is there.
        int end = payloadLength == 0 ? data.length : Math.min(data.length, at + payloadLength);
        while (true) {
            if (next == IPV6_HOP_BY_HOP || next == IPV6_ROUTING || next == IPV6_DESTINATION_OPTIONS) {
                if (end - at < 8) {
                    return Optional.empty();
                }
                int length = ((data[at + 1] & 0xFF) + 1) * 8;
                next = data[at] & 0xFF;
                at += length;
            } else if (next == IPV6_AUTHENTICATION) {
                if (end - at < 8) {
                    return Optional.empty();
                }
                int length = ((data[at + 1] & 0xFF) + 2) * 4;
                next = data[at] & 0xFF;
                at += length;
            } else if (next == IPV6_FRAGMENT) {
                if (end - at < 8) {
                    return Optional.empty();
                }
                int offsetAndFlags = u16(data, at + 2);
                if ((offsetAndFlags & 0xFFF8) != 0 || (offsetAndFlags & 1) != 0) {
                    return Optional.empty();
                }
                next = data[at] & 0xFF;
                at += 8;
            } else {
                break;
            }
        }
        return transport(frame, data, next, at, end, source, destination);
    }

    private static Optional<TransportPacket> transport(Frame frame, byte[] data, int protocol, int at, int end,
                                                       InetAddress source, InetAddress destination) {
        if (protocol == PROTOCOL_UDP) {
            if (end - at < UdpDatagram.HEADER_LENGTH) {
                return Optional.empty();
            }
            int udpLength = u16(data, at + 4);
            if (udpLength < UdpDatagram.HEADER_LENGTH) {
                return Optional.empty();
            }
            int payloadEnd = Math.min(end, at + udpLength);
            return Optional.of(new UdpDatagram(frame.number(), frame.timestamp(),
                    new InetSocketAddress(source, u16(data, at)), new InetSocketAddress(destination, u16(data, at + 2)),
                    udpLength, Arrays.copyOfRange(data, at + UdpDatagram.HEADER_LENGTH, payloadEnd)));
        }
        if (protocol == PROTOCOL_TCP) {
            if (end - at < 20) {
                return Optional.empty();
            }
            int headerLength = ((data[at + 12] & 0xF0) >>> 4) * 4;
            if (headerLength < 20 || end - at < headerLength) {
                return Optional.empty();
            }
            int flags = (data[at + 13] & 0xFF) | ((data[at + 12] & 0x01) << 8);
            return Optional.of(new TcpSegment(frame.number(), frame.timestamp(),
                    new InetSocketAddress(source, u16(data, at)), new InetSocketAddress(destination, u16(data, at + 2)),
                    Integer.toUnsignedLong(u32be(data, at + 4)), Integer.toUnsignedLong(u32be(data, at + 8)), flags,
                    Arrays.copyOfRange(data, at + headerLength, end)));
        }
        return Optional.empty();
    }

    /**
     * The address as stored. Note that Java turns an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d})
     * into an {@link java.net.Inet4Address}.
     */
    private static InetAddress address(byte[] data, int at, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(data, at, at + length));
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4- or 16-byte address is always valid", e);
        }
    }

    private static int u16(byte[] data, int at) {
        return ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF);
    }

    private static int u32be(byte[] data, int at) {
        return ((data[at] & 0xFF) << 24) | ((data[at + 1] & 0xFF) << 16) | ((data[at + 2] & 0xFF) << 8)
                | (data[at + 3] & 0xFF);
    }

    private static int u32le(byte[] data, int at) {
        return Integer.reverseBytes(u32be(data, at));
    }
}
