package org.tutti.protocol.captures;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PayloadCodec;

/**
 * The real reader, over the production flyweight and codec, and the deliberately wrong readers
 * ("mutants") that {@link CaptureSensitivityTest} feeds to the same capture assertions.
 */
final class WireViews {
    private WireViews() {
    }

    /** The production code: {@link PacketHeader} and {@link PayloadCodec}. */
    static final Real REAL = new Real();

    /** Reads through {@link PacketHeader} and decodes with {@link PayloadCodec}. */
    static final class Real implements HeaderView, SampleView {
        private final PacketHeader header = new PacketHeader();

        @Override
        public long timestamp(ByteBuffer buffer, int offset) {
            return header.wrap(buffer, offset).timestamp();
        }

        @Override
        public int sequenceNumber(ByteBuffer buffer, int offset) {
            return header.wrap(buffer, offset).sequenceNumber();
        }

        @Override
        public int bufferSize(ByteBuffer buffer, int offset) {
            return header.wrap(buffer, offset).bufferSize();
        }

        @Override
        public int samplingRateCode(ByteBuffer buffer, int offset) {
            return header.wrap(buffer, offset).samplingRateCode();
        }

        @Override
        public int bitResolution(ByteBuffer buffer, int offset) {
            return header.wrap(buffer, offset).bitResolution();
        }

        @Override
        public int channelsWanted(ByteBuffer buffer, int offset) {
            return header.wrap(buffer, offset).channelsWanted();
        }

        @Override
        public int channelsCarriedField(ByteBuffer buffer, int offset) {
            return header.wrap(buffer, offset).channelsCarriedField();
        }

        @Override
        public int channelsCarried(ByteBuffer buffer, int offset) {
            return header.wrap(buffer, offset).channelsCarried();
        }

        @Override
        public float[][] decode(ByteBuffer buffer, int packetStart, int frames, int channels, int bits) {
            float[][] samples = new float[channels][frames];
            PayloadCodec.decode(buffer, packetStart, frames, channels, BitResolution.fromBits(bits), samples, channels, 0);
            return samples;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Mutants: each gets exactly one thing wrong and is otherwise the real reader.

    /** The whole header read big-endian (wrong byte order). */
    static final HeaderView HEADER_BIG_ENDIAN = new HeaderViewAdapter() {
        @Override
        public long timestamp(ByteBuffer buffer, int offset) {
            return buffer.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(offset + PacketHeader.TIMESTAMP_OFFSET);
        }

        @Override
        public int sequenceNumber(ByteBuffer buffer, int offset) {
            return buffer.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(offset + PacketHeader.SEQUENCE_NUMBER_OFFSET)
                    & 0xFFFF;
        }

        @Override
        public int bufferSize(ByteBuffer buffer, int offset) {
            return buffer.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(offset + PacketHeader.BUFFER_SIZE_OFFSET)
                    & 0xFFFF;
        }
    };

    /** The sequence number read 2 bytes too far on, i.e. from the BufferSize field (offset 10). */
    static final HeaderView SEQUENCE_OFFSET_SHIFTED_BY_2 = new HeaderViewAdapter() {
        @Override
        public int sequenceNumber(ByteBuffer buffer, int offset) {
            return REAL.sequenceNumber(buffer, offset + 2);
        }
    };

    /** Bytes 14 and 15 swapped: "wanted" read from byte 15 and "carried" from byte 14. */
    static final HeaderView CARRIED_AND_WANTED_SWAPPED = new HeaderViewAdapter() {
        @Override
        public int channelsWanted(ByteBuffer buffer, int offset) {
            return buffer.get(offset + PacketHeader.CHANNELS_CARRIED_OFFSET) & 0xFF;
        }

        @Override
        public int channelsCarriedField(ByteBuffer buffer, int offset) {
            return buffer.get(offset + PacketHeader.CHANNELS_WANTED_OFFSET) & 0xFF;
        }

        @Override
        public int channelsCarried(ByteBuffer buffer, int offset) {
            return PacketHeader.channelsCarried(channelsWanted(buffer, offset), channelsCarriedField(buffer, offset));
        }
    };

    /** 24-bit samples read as ordinary packed little-endian 24-bit PCM instead of JackTrip's layout. */
    static final SampleView TWENTY_FOUR_BIT_AS_PACKED_PCM = (buffer, packetStart, frames, channels, bits) -> {
        if (bits != 24) {
            return REAL.decode(buffer, packetStart, frames, channels, bits);
        }
        float[][] samples = new float[channels][frames];
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < frames; n++) {
                int at = packetStart + PacketHeader.LENGTH + (c * frames + n) * 3;
                int value = (buffer.get(at) & 0xFF) | (buffer.get(at + 1) & 0xFF) << 8 | buffer.get(at + 2) << 16;
                samples[c][n] = value / 8_388_608.0f;
            }
        }
        return samples;
    };

    /** 16-bit samples read big-endian. */
    static final SampleView SIXTEEN_BIT_BIG_ENDIAN = (buffer, packetStart, frames, channels, bits) -> {
        if (bits != 16) {
            return REAL.decode(buffer, packetStart, frames, channels, bits);
        }
        ByteBuffer bigEndian = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        float[][] samples = new float[channels][frames];
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < frames; n++) {
                samples[c][n] = bigEndian.getShort(packetStart + PacketHeader.LENGTH + (c * frames + n) * 2) / 32768.0f;
            }
        }
        return samples;
    };

    /** The real header reader, to be overridden one field at a time. */
    private abstract static class HeaderViewAdapter implements HeaderView {
        @Override
        public long timestamp(ByteBuffer buffer, int offset) {
            return REAL.timestamp(buffer, offset);
        }

        @Override
        public int sequenceNumber(ByteBuffer buffer, int offset) {
            return REAL.sequenceNumber(buffer, offset);
        }

        @Override
        public int bufferSize(ByteBuffer buffer, int offset) {
            return REAL.bufferSize(buffer, offset);
        }

        @Override
        public int samplingRateCode(ByteBuffer buffer, int offset) {
            return REAL.samplingRateCode(buffer, offset);
        }

        @Override
        public int bitResolution(ByteBuffer buffer, int offset) {
            return REAL.bitResolution(buffer, offset);
        }

        @Override
        public int channelsWanted(ByteBuffer buffer, int offset) {
            return REAL.channelsWanted(buffer, offset);
        }

        @Override
        public int channelsCarriedField(ByteBuffer buffer, int offset) {
            return REAL.channelsCarriedField(buffer, offset);
        }

        @Override
        public int channelsCarried(ByteBuffer buffer, int offset) {
            return REAL.channelsCarried(buffer, offset);
        }
    }
}
