package org.tutti.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.Hex;

class PacketHeaderTest {
    private static final int OFFSET = 37;
    private static final byte SENTINEL = (byte) 0xA5;

    /** The buffers a flyweight meets: heap or direct, either byte order, or a slice with a non-zero array offset. */
    enum BufferKind {
        HEAP(size -> ByteBuffer.allocate(size)),
        HEAP_SET_TO_BIG_ENDIAN(size -> ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN)),
        HEAP_SET_TO_LITTLE_ENDIAN(size -> ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN)),
        DIRECT(size -> ByteBuffer.allocateDirect(size)),
        DIRECT_SET_TO_BIG_ENDIAN(size -> ByteBuffer.allocateDirect(size).order(ByteOrder.BIG_ENDIAN)),
        HEAP_SLICE_WITH_ARRAY_OFFSET(size -> ByteBuffer.allocate(size + 11).position(11).slice());

        final IntFunction<ByteBuffer> allocate;

        BufferKind(IntFunction<ByteBuffer> allocate) {
            this.allocate = allocate;
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void allEightFieldsRoundTripAtANonZeroOffsetInAnyBuffer(BufferKind kind) {
        ByteBuffer buffer = filled(kind.allocate.apply(OFFSET + PacketHeader.LENGTH + 20));
        PacketHeader header = new PacketHeader().wrap(buffer, OFFSET);

        // Values with every byte different and the top bits set, to catch sign and order mistakes.
        assertSame(header, header.timestamp(0x8877_6655_4433_2211L));
        assertSame(header, header.sequenceNumber(0xFEDC));
        assertSame(header, header.bufferSize(0x8102));
        assertSame(header, header.samplingRateCode(0xF3));
        assertSame(header, header.bitResolution(0xE4));
        assertSame(header, header.channelsWanted(0xD5));
        assertSame(header, header.channelsCarriedField(0xC6));

        PacketHeader reader = new PacketHeader().wrap(buffer, OFFSET);
        assertEquals(0x8877_6655_4433_2211L, reader.timestamp());
        assertEquals(0xFEDC, reader.sequenceNumber());
        assertEquals(0x8102, reader.bufferSize());
        assertEquals(0xF3, reader.samplingRateCode());
        assertEquals(0xE4, reader.bitResolution());
        assertEquals(0xD5, reader.channelsWanted());
        assertEquals(0xC6, reader.channelsCarriedField());
        assertEquals(0xC6, reader.channelsCarried());
        assertEquals(OFFSET + 16, reader.payloadOffset());
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void fieldsAreLittleEndianAtTheirSpecOffsetsWhateverTheBuffersOwnOrder(BufferKind kind) {
        ByteBuffer buffer = filled(kind.allocate.apply(OFFSET + PacketHeader.LENGTH + 20));
        ByteOrder orderBefore = buffer.order();
        new PacketHeader().wrap(buffer, OFFSET).timestamp(0x8877_6655_4433_2211L).sequenceNumber(0xFEDC)
                .bufferSize(0x8102).samplingRateCode(0xF3).bitResolution(0xE4).channelsWanted(0xD5)
                .channelsCarriedField(0xC6);

        assertEquals("11 22 33 44 55 66 77 88 dc fe 02 81 f3 e4 d5 c6", Hex.of(bytes(buffer, OFFSET, 16)));
        assertEquals(orderBefore, buffer.order(), "the flyweight must not change the buffer's order");
    }

    @Test
    void writingAHeaderTouchesExactlyItsSixteenBytesAndNotPositionOrLimit() {
        ByteBuffer buffer = filled(ByteBuffer.allocate(100)).position(3).limit(90);
        new PacketHeader().wrap(buffer, OFFSET).timestamp(-1).sequenceNumber(0xFFFF).bufferSize(0xFFFF)
                .samplingRateCode(0xFF).bitResolution(0xFF).channelsWanted(0xFF).channelsCarriedField(0xFF);

        byte[] all = buffer.array();
        for (int i = 0; i < all.length; i++) {
            byte expected = i >= OFFSET && i < OFFSET + 16 ? (byte) 0xFF : SENTINEL;
            assertEquals(expected, all[i], "byte " + i);
        }
        assertEquals(3, buffer.position());
        assertEquals(90, buffer.limit());
    }

    @Test
    void readsWorkOnAReadOnlyBuffer() {
        ByteBuffer readOnly = Captures.open(Captures.C1_2CH16).udp(750).payloadBuffer().asReadOnlyBuffer();
        PacketHeader header = new PacketHeader().wrap(readOnly, 0);

        assertEquals(3088, header.sequenceNumber());
        assertEquals(1_795_504_774_286_974L, header.timestamp());
    }

    @Test
    void writesTheAnnotatedC1HeaderExactly() {
        byte[] captured = Captures.open(Captures.C1_2CH16).udp(750).payload();
        ByteBuffer buffer = ByteBuffer.allocate(16);

        new PacketHeader().wrap(buffer, 0).timestamp(1_795_504_774_286_974L).sequenceNumber(3088).bufferSize(128)
                .samplingRateCode(SampleRate.SR48.code()).bitResolution(16).channelsWanted(2).channelsCarried(2);

        assertEquals(Hex.of(captured, 0, 16), Hex.of(buffer.array()));
    }

    @Test
    void sequenceNumberIsUnsignedAndWrapsIn16Bits() {
        PacketHeader header = new PacketHeader().wrap(ByteBuffer.allocate(16), 0);

        assertEquals(65535, header.sequenceNumber(65535).sequenceNumber());
        assertEquals(0, header.sequenceNumber(65536).sequenceNumber());
        assertEquals(1, header.sequenceNumber(65537).sequenceNumber());
    }

    @Test
    void byte15ZeroMeansAsManyAsByte14And255MeansNone() {
        assertEquals(2, PacketHeader.channelsCarried(2, 0));
        assertEquals(0, PacketHeader.channelsCarried(2, 255));
        assertEquals(2, PacketHeader.channelsCarried(1, 2));
        assertEquals(1, PacketHeader.channelsCarried(2, 1));
        assertEquals(0, PacketHeader.channelsCarried(0, 0));
    }

    @Test
    void carriedCountIsEncodedAsJackTripDoes() {
        PacketHeader header = new PacketHeader().wrap(ByteBuffer.allocate(16), 0).channelsWanted(2);

        assertEquals(0, header.channelsCarried(2).channelsCarriedField(), "same as wanted → 0");
        assertEquals(1, header.channelsCarried(1).channelsCarriedField());
        assertEquals(255, header.channelsCarried(0).channelsCarriedField(), "none → 255");
        assertEquals(0, header.channelsCarried(0).channelsCarried());
        header.channelsWanted(1);
        assertEquals(2, header.channelsCarried(2).channelsCarriedField(), "c9's client: wanted 1, carries 2 → 01 02");
    }

    @Test
    void rewrappingMovesTheFlyweightWithoutCopying() {
        byte[] c3 = Captures.open(Captures.C3_R2).udp(753).payload().clone();
        ByteBuffer buffer = ByteBuffer.wrap(c3);
        PacketHeader header = new PacketHeader();

        assertEquals(3076, header.wrap(buffer, 0).sequenceNumber());
        assertEquals(3075, header.wrap(buffer, 528).sequenceNumber());
        assertSame(buffer, header.buffer());
        assertEquals(528, header.offset());
        c3[528 + 8] = 0;
        assertEquals(3072, header.sequenceNumber(), "reads the live buffer");
    }

    @Test
    void toStringNamesTheFields() {
        assertEquals("PacketHeader[unwrapped]", new PacketHeader().toString());
        String text = new PacketHeader().wrap(Captures.open(Captures.C1_2CH16).udp(750).payloadBuffer(), 0).toString();
        assertTrue(text.contains("seq=3088") && text.contains("frames=128") && text.contains("bits=16"), text);
    }

    private static ByteBuffer filled(ByteBuffer buffer) {
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, SENTINEL);
        }
        return buffer;
    }

    private static byte[] bytes(ByteBuffer buffer, int from, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = buffer.get(from + i);
        }
        return out;
    }

    @Test
    void theHeaderIsSixteenBytesAndTheFieldOffsetsAreTheSpecs() {
        assertEquals(16, PacketHeader.LENGTH);
        assertEquals(Arrays.asList(0, 8, 10, 12, 13, 14, 15), Arrays.asList(PacketHeader.TIMESTAMP_OFFSET,
                PacketHeader.SEQUENCE_NUMBER_OFFSET, PacketHeader.BUFFER_SIZE_OFFSET, PacketHeader.SAMPLING_RATE_OFFSET,
                PacketHeader.BIT_RESOLUTION_OFFSET, PacketHeader.CHANNELS_WANTED_OFFSET, PacketHeader.CHANNELS_CARRIED_OFFSET));
    }
}
