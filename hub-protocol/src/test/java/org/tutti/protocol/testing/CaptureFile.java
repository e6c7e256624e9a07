package org.tutti.protocol.testing;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a packet capture into {@link Frame}s. Both formats tcpdump, editcap and Wireshark write are
 * supported, and the format is detected from the first four bytes:
 *
 * <ul>
 *   <li><b>pcap</b>: magic {@code a1b2c3d4} (µs timestamps) or {@code a1b23c4d} (ns), stored in
 *       either byte order ({@code d4 c3 b2 a1} on disk is a little-endian file). One link type for
 *       the whole file.</li>
 *   <li><b>pcapng</b>: Section Header Blocks (each section has its own byte order, read from its
 *       byte-order magic), Interface Description Blocks (link type, snap length, {@code if_tsresol},
 *       {@code if_tsoffset}), Enhanced, Simple and obsolete Packet Blocks. Every other block type is
 *       skipped.</li>
 * </ul>
 *
 * Frames are numbered from 1 in file order over all sections, which is Wireshark's frame number.
 * (One exception: Wireshark 4 also lists pcapng Custom Blocks, types {@code 0xBAD} and
 * {@code 0x40000BAD}, as records, so after one of those its numbers run ahead. tcpdump and editcap
 * do not write them.)
 * Malformed or truncated files raise {@link CaptureFormatException} with the byte offset; nothing
 * is guessed.
 */
public final class CaptureFile {
    /** The two container formats. */
    public enum Format {
        PCAP,
        PCAPNG
    }

    private static final int PCAP_MICROS = 0xA1B2C3D4;
    private static final int PCAP_NANOS = 0xA1B23C4D;
    private static final int PCAP_HEADER_LENGTH = 24;
    private static final int PCAP_RECORD_HEADER_LENGTH = 16;

    private static final int BLOCK_SECTION_HEADER = 0x0A0D0D0A;
    private static final int BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
    private static final int BLOCK_PACKET_OBSOLETE = 0x00000002;
    private static final int BLOCK_SIMPLE_PACKET = 0x00000003;
    private static final int BLOCK_ENHANCED_PACKET = 0x00000006;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int OPTION_END = 0;
    private static final int OPTION_IF_TSRESOL = 9;
    private static final int OPTION_IF_TSOFFSET = 14;

    private final Format format;
    private final List<Frame> frames;

    private CaptureFile(Format format, List<Frame> frames) {
        this.format = format;
        this.frames = List.copyOf(frames);
    }

    public static CaptureFile read(Path path) throws IOException {
        return parse(Files.readAllBytes(path));
    }

    /** Reads the whole stream (it is not closed). */
    public static CaptureFile read(InputStream in) throws IOException {
        return parse(in.readAllBytes());
    }

    /** Parses a complete capture held in memory. Frame data are slices copied out of {@code bytes}. */
    public static CaptureFile parse(byte[] bytes) {
        if (bytes.length < 4) {
            throw new CaptureFormatException("not a capture file: only " + bytes.length + " bytes");
        }
        int bigEndianMagic = ByteBuffer.wrap(bytes, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (bigEndianMagic == BLOCK_SECTION_HEADER) {
            return new CaptureFile(Format.PCAPNG, new PcapNgReader(bytes).read());
        }
        int littleEndianMagic = Integer.reverseBytes(bigEndianMagic);
        if (littleEndianMagic == PCAP_MICROS || littleEndianMagic == PCAP_NANOS) {
            return new CaptureFile(Format.PCAP, readPcap(bytes, ByteOrder.LITTLE_ENDIAN, littleEndianMagic == PCAP_NANOS));
        }
        if (bigEndianMagic == PCAP_MICROS || bigEndianMagic == PCAP_NANOS) {
            return new CaptureFile(Format.PCAP, readPcap(bytes, ByteOrder.BIG_ENDIAN, bigEndianMagic == PCAP_NANOS));
        }
        throw new CaptureFormatException(String.format("not pcap or pcapng: magic %08x", bigEndianMagic));
    }

    public Format format() {
        return format;
    }

    /** All frames in file order; {@code frames().get(i).number() == i + 1}. */
    public List<Frame> frames() {
        return frames;
    }

    /** The frame with this 1-based number. */
    public Frame frame(int number) {
        if (number < 1 || number > frames.size()) {
            throw new IllegalArgumentException("no frame " + number + " (the capture has " + frames.size() + ")");
        }
        return frames.get(number - 1);
    }

    // ------------------------------------------------------------------------------------------
    // Classic pcap

    private static List<Frame> readPcap(byte[] bytes, ByteOrder order, boolean nanos) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(order);
        require(bytes.length >= PCAP_HEADER_LENGTH, 0, "pcap file header is cut short");
        // Bits 16..31 of the link-type field carry FCS information; the type is the low 16 bits.
        int linkType = in.getInt(20) & 0xFFFF;
        List<Frame> frames = new ArrayList<>();
        int at = PCAP_HEADER_LENGTH;
        while (at < bytes.length) {
            require(bytes.length - at >= PCAP_RECORD_HEADER_LENGTH, at, "pcap record header is cut short");
            long seconds = Integer.toUnsignedLong(in.getInt(at));
            long fraction = Integer.toUnsignedLong(in.getInt(at + 4));
            long captured = Integer.toUnsignedLong(in.getInt(at + 8));
            long original = Integer.toUnsignedLong(in.getInt(at + 12));
            int data = at + PCAP_RECORD_HEADER_LENGTH;
            require(captured <= bytes.length - data, at,
                    "pcap record claims " + captured + " captured bytes, " + (bytes.length - data) + " left");
            Instant time = Instant.ofEpochSecond(seconds, nanos ? fraction : fraction * 1_000);
            frames.add(new Frame(frames.size() + 1, time, linkType, (int) Math.min(original, Integer.MAX_VALUE),
                    Arrays.copyOfRange(bytes, data, data + (int) captured)));
            at = data + (int) captured;
        }
        return frames;
    }

    // ------------------------------------------------------------------------------------------
    // pcapng

    /** What an Interface Description Block says about the packets captured on it. */
    private record Interface(int linkType, long snapLength, BigInteger unitsPerSecond, long offsetSeconds) {
        Instant time(long high, long low) {
            BigInteger ticks = BigInteger.valueOf(high).shiftLeft(32).or(BigInteger.valueOf(low));
            BigInteger[] split = ticks.divideAndRemainder(unitsPerSecond);
            long nanos = split[1].multiply(BigInteger.valueOf(1_000_000_000L)).divide(unitsPerSecond).longValue();
            return Instant.ofEpochSecond(split[0].longValueExact() + offsetSeconds, nanos);
        }
    }

    private static final class PcapNgReader {
        private final byte[] bytes;
        private final ByteBuffer in;
        private final List<Interface> interfaces = new ArrayList<>();
        private final List<Frame> frames = new ArrayList<>();

        PcapNgReader(byte[] bytes) {
            this.bytes = bytes;
            this.in = ByteBuffer.wrap(bytes);
        }

        List<Frame> read() {
            int at = 0;
            while (at < bytes.length) {
                require(bytes.length - at >= 12, at, "pcapng block header is cut short");
                // The section header's type reads the same in both byte orders; its byte-order
                // magic then sets the order for the whole section.
                int type = in.getInt(at);
                if (type == BLOCK_SECTION_HEADER) {
                    startSection(at);
                }
                long length = Integer.toUnsignedLong(in.getInt(at + 4));
                require(length >= 12 && length % 4 == 0, at, "pcapng block length " + length + " is invalid");
                require(length <= bytes.length - at, at,
                        "pcapng block of " + length + " bytes, " + (bytes.length - at) + " left");
                int end = at + (int) length;
                require(Integer.toUnsignedLong(in.getInt(end - 4)) == length, at,
                        "pcapng block's trailing length differs from its leading length");
                int body = at + 8;
                int bodyEnd = end - 4;
                switch (type) {
                    case BLOCK_SECTION_HEADER:
                        break;
                    case BLOCK_INTERFACE_DESCRIPTION:
                        readInterface(at, body, bodyEnd);
                        break;
                    case BLOCK_ENHANCED_PACKET:
                        readEnhancedPacket(at, body, bodyEnd);
                        break;
                    case BLOCK_SIMPLE_PACKET:
                        readSimplePacket(at, body, bodyEnd);
                        break;
                    case BLOCK_PACKET_OBSOLETE:
                        readObsoletePacket(at, body, bodyEnd);
                        break;
                    default:
                        // Name resolution, statistics, journal, custom blocks...: not needed.
                        break;
                }
                at = end;
            }
            return frames;
        }

        private void startSection(int at) {
            int magic = in.order(ByteOrder.BIG_ENDIAN).getInt(at + 8);
            if (magic == BYTE_ORDER_MAGIC) {
                in.order(ByteOrder.BIG_ENDIAN);
            } else if (Integer.reverseBytes(magic) == BYTE_ORDER_MAGIC) {
                in.order(ByteOrder.LITTLE_ENDIAN);
            } else {
                throw new CaptureFormatException(String.format("pcapng section at offset %d: bad byte-order magic %08x", at, magic));
            }
            // Interface ids are local to a section.
            interfaces.clear();
        }

        private void readInterface(int at, int body, int bodyEnd) {
            require(bodyEnd - body >= 8, at, "pcapng interface block is cut short");
            int linkType = in.getShort(body) & 0xFFFF;
            long snapLength = Integer.toUnsignedLong(in.getInt(body + 4));
            int resolution = 6;
            long offsetSeconds = 0;
            int option = body + 8;
            while (option + 4 <= bodyEnd) {
                int code = in.getShort(option) & 0xFFFF;
                int length = in.getShort(option + 2) & 0xFFFF;
                int value = option + 4;
                require(value + length <= bodyEnd, at, "pcapng option " + code + " runs past its block");
                if (code == OPTION_END) {
                    break;
                }
                if (code == OPTION_IF_TSRESOL && length >= 1) {
                    resolution = bytes[value] & 0xFF;
                } else if (code == OPTION_IF_TSOFFSET && length >= 8) {
                    offsetSeconds = in.getLong(value);
                }
                option = value + ((length + 3) & ~3);
            }
            boolean binary = (resolution & 0x80) != 0;
            int exponent = resolution & 0x7F;
            BigInteger units = binary ? BigInteger.ONE.shiftLeft(exponent) : BigInteger.TEN.pow(exponent);
            interfaces.add(new Interface(linkType, snapLength, units, offsetSeconds));
        }

        private Interface iface(int at, long id) {
            require(id < interfaces.size(), at, "packet refers to interface " + id + ", section defines "
                    + interfaces.size());
            return interfaces.get((int) id);
        }

        private void readEnhancedPacket(int at, int body, int bodyEnd) {
            require(bodyEnd - body >= 20, at, "pcapng enhanced packet block is cut short");
            Interface iface = iface(at, Integer.toUnsignedLong(in.getInt(body)));
            long high = Integer.toUnsignedLong(in.getInt(body + 4));
            long low = Integer.toUnsignedLong(in.getInt(body + 8));
            long captured = Integer.toUnsignedLong(in.getInt(body + 12));
            long original = Integer.toUnsignedLong(in.getInt(body + 16));
            int data = body + 20;
            require(captured <= bodyEnd - data, at, "pcapng packet claims " + captured + " bytes, block holds "
                    + (bodyEnd - data));
            add(iface.time(high, low), iface.linkType(), original, data, (int) captured);
        }

        private void readSimplePacket(int at, int body, int bodyEnd) {
            require(bodyEnd - body >= 4, at, "pcapng simple packet block is cut short");
            Interface iface = iface(at, 0);
            long original = Integer.toUnsignedLong(in.getInt(body));
            int data = body + 4;
            long captured = Math.min(original, bodyEnd - data);
            if (iface.snapLength() > 0) {
                captured = Math.min(captured, iface.snapLength());
            }
            add(null, iface.linkType(), original, data, (int) captured);
        }

        private void readObsoletePacket(int at, int body, int bodyEnd) {
            require(bodyEnd - body >= 20, at, "pcapng packet block is cut short");
            Interface iface = iface(at, in.getShort(body) & 0xFFFF);
            long high = Integer.toUnsignedLong(in.getInt(body + 4));
            long low = Integer.toUnsignedLong(in.getInt(body + 8));
            long captured = Integer.toUnsignedLong(in.getInt(body + 12));
            long original = Integer.toUnsignedLong(in.getInt(body + 16));
            int data = body + 20;
            require(captured <= bodyEnd - data, at, "pcapng packet claims " + captured + " bytes, block holds "
                    + (bodyEnd - data));
            add(iface.time(high, low), iface.linkType(), original, data, (int) captured);
        }

        private void add(Instant time, int linkType, long original, int data, int captured) {
            frames.add(new Frame(frames.size() + 1, time, linkType, (int) Math.min(original, Integer.MAX_VALUE),
                    Arrays.copyOfRange(bytes, data, data + captured)));
        }
    }

    private static void require(boolean condition, int offset, String message) {
        if (!condition) {
            throw new CaptureFormatException(message + " (at byte " + offset + ")");
        }
    }
}
