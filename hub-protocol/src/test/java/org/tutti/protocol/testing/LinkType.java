package org.tutti.protocol.testing;

/**
 * The pcap link-layer header types {@link PacketDissector} understands
 * (numbers from the tcpdump.org LINKTYPE_ registry).
 */
public final class LinkType {
    /** BSD loopback: a 4-byte address family in the capturing host's byte order. */
    public static final int NULL = 0;
    /** Ethernet II, optionally with 802.1Q / 802.1ad VLAN tags. */
    public static final int ETHERNET = 1;
    /** Raw IP, as some systems write it (DLT_RAW on OpenBSD). */
    public static final int RAW_OPENBSD = 12;
    /** Raw IPv4 or IPv6, told apart by the version nibble. */
    public static final int RAW = 101;
    /** OpenBSD loopback: a 4-byte address family, big-endian. */
    public static final int LOOP = 108;
    /** Linux "cooked" capture, version 1 (tcpdump -i any): 16-byte header. */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4 only. */
    public static final int IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int IPV6 = 229;
    /** Linux "cooked" capture, version 2: 20-byte header. */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /** A short name for messages, e.g. {@code "ETHERNET(1)"}. */
    public static String name(int linkType) {
        String name;
        switch (linkType) {
            case NULL: name = "NULL"; break;
            case ETHERNET: name = "ETHERNET"; break;
            case RAW_OPENBSD: case RAW: name = "RAW"; break;
            case LOOP: name = "LOOP"; break;
            case LINUX_SLL: name = "LINUX_SLL"; break;
            case IPV4: name = "IPV4"; break;
            case IPV6: name = "IPV6"; break;
            case LINUX_SLL2: name = "LINUX_SLL2"; break;
            default: name = "UNKNOWN"; break;
        }
        return name + "(" + linkType + ")";
    }
}
