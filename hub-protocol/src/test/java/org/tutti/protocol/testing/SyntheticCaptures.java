package org.tutti.protocol.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;

/**
 * Writes small pcap and pcapng files byte by byte, in the variants the real captures do not cover
 * (nanosecond and big-endian pcap, big-endian pcapng, other timestamp resolutions, Simple and
 * obsolete Packet Blocks, unknown blocks, other link types), so that {@link CaptureFileTest} can check
 * the reader on them. Files of each kind were opened once with tshark to make sure they are valid.
 */
final class SyntheticCaptures {
    private SyntheticCaptures() {
    }

    /** A classic pcap file: µs or ns timestamps, in the given byte order, one link type. */
    static byte[] pcap(ByteOrder order, boolean nanos, int linkType, List<Frame> frames) {
        Out out = new Out(order);
        out.i32(nanos ? 0xA1B23C4D : 0xA1B2C3D4).i16(2).i16(4).i32(0).i32(0).i32(262144).i32(linkType);
        for (Frame frame : frames) {
            Instant time = frame.timestamp();
            out.i32((int) time.getEpochSecond()).i32(nanos ? time.getNano() : time.getNano() / 1000)
                    .i32(frame.data().length).i32(frame.originalLength()).bytes(frame.data());
        }
        return out.toByteArray();
    }

    /** Builder for pcapng files: add blocks in order, switch byte order with a new section. */
    static final class PcapNg {
        private final ByteArrayOutputStream file = new ByteArrayOutputStream();
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        PcapNg section(ByteOrder order) {
            this.order = order;
            Out body = new Out(order).i32(0x1A2B3C4D).i16(1).i16(0).i64(-1);
            return block(0x0A0D0D0A, body);
        }

        /** An interface with a decimal ({@code binary == false}) or binary timestamp resolution. */
        PcapNg iface(int linkType, int snapLength, Integer tsresol, Long tsoffset) {
            Out body = new Out(order).i16(linkType).i16(0).i32(snapLength);
            if (tsresol != null) {
                body.i16(9).i16(1).u8(tsresol).u8(0).u8(0).u8(0);
            }
            if (tsoffset != null) {
                body.i16(14).i16(8).i64(tsoffset);
            }
            // An option this reader does not know (if_name), to be skipped.
            body.i16(2).i16(2).u8('l').u8('o').u8(0).u8(0);
            body.i16(0).i16(0);
            return block(1, body);
        }

        PcapNg enhanced(int iface, long ticks, byte[] data, int originalLength) {
            Out body = new Out(order).i32(iface).i32((int) (ticks >>> 32)).i32((int) ticks).i32(data.length)
                    .i32(originalLength).bytes(data).pad();
            // An epb_flags option, to be skipped.
            body.i16(2).i16(4).i32(1).i16(0).i16(0);
            return block(6, body);
        }

        PcapNg simple(byte[] data, int originalLength) {
            return block(3, new Out(order).i32(originalLength).bytes(data).pad());
        }

        PcapNg obsolete(int iface, long ticks, byte[] data) {
            Out body = new Out(order).i16(iface).i16(0).i32((int) (ticks >>> 32)).i32((int) ticks).i32(data.length)
                    .i32(data.length).bytes(data).pad();
            return block(2, body);
        }

        /**
         * A block of a type nobody defines (e.g. 0x80000001, reserved for local use), filled with junk.
         * Do not use the Custom Block types 0xBAD / 0x40000BAD: Wireshark shows those as records.
         */
        PcapNg other(int type, int bodyLength) {
            Out body = new Out(order);
            for (int i = 0; i < bodyLength; i++) {
                body.u8(0x5A);
            }
            return block(type, body.pad());
        }

        private PcapNg block(int type, Out body) {
            byte[] content = body.toByteArray();
            int length = 12 + content.length;
            Out block = new Out(order).i32(type).i32(length).bytes(content).i32(length);
            file.writeBytes(block.toByteArray());
            return this;
        }

        byte[] toByteArray() {
            return file.toByteArray();
        }
    }

    /** Little helper over a growable buffer in a fixed byte order. */
    static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final ByteOrder order;

        Out(ByteOrder order) {
            this.order = order;
        }

        Out u8(int value) {
            bytes.write(value);
            return this;
        }

        Out i16(int value) {
            return bytes(ByteBuffer.allocate(2).order(order).putShort((short) value).array());
        }

        Out i32(int value) {
            return bytes(ByteBuffer.allocate(4).order(order).putInt(value).array());
        }

        Out i64(long value) {
            return bytes(ByteBuffer.allocate(8).order(order).putLong(value).array());
        }

        Out bytes(byte[] data) {
            bytes.writeBytes(data);
            return this;
        }

        Out pad() {
            while (bytes.size() % 4 != 0) {
                bytes.write(0);
            }
            return this;
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
