package org.tutti.protocol.udp;

import java.nio.ByteBuffer;

/**
 * Flyweight over JackTrip's 16-byte "default" UDP header (spec §3.2). All fields little-endian.
 * Re-point it with {@link #wrap} for each datagram; it never copies or allocates.
 *
 * <pre>
 *  0      8    10   12 13 14 15
 *  | ts µs | seq | N | sr| b| in| out|
 * </pre>
 */
public final class PacketHeader {
    public static final int TIMESTAMP_OFFSET = 0;
    public static final int SEQUENCE_NUMBER_OFFSET = 8;
    public static final int BUFFER_SIZE_OFFSET = 10;
    public static final int SAMPLING_RATE_OFFSET = 12;
    public static final int BIT_RESOLUTION_OFFSET = 13;
    /** Byte 14: how many channels the sender wants to receive. */
    public static final int CHANNELS_WANTED_OFFSET = 14;
    /** Byte 15: how many channels this packet carries, with the two special values below. */
    public static final int CHANNELS_CARRIED_OFFSET = 15;
    public static final int LENGTH = 16;

    /** Byte 15 value meaning "as many as byte 14" (also what pre-asymmetric clients send). */
    public static final int CARRIED_SAME_AS_WANTED = 0;
    /** Byte 15 value meaning "this sender sends no channels". */
    public static final int CARRIED_NONE = 255;

    private ByteBuffer buffer;
    private int offset;

    public PacketHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** Sender's wall clock in µs since the epoch. No JackTrip receiver reads it. */
    public long timestamp() {
        return LittleEndian.getLong(buffer, offset + TIMESTAMP_OFFSET);
    }

    public PacketHeader timestamp(long micros) {
        LittleEndian.putLong(buffer, offset + TIMESTAMP_OFFSET, micros);
        return this;
    }

    /** Unsigned 16-bit sequence number, wrapping 65535 to 0. */
    public int sequenceNumber() {
        return LittleEndian.getShort(buffer, offset + SEQUENCE_NUMBER_OFFSET) & 0xFFFF;
    }

    public PacketHeader sequenceNumber(int sequence) {
        LittleEndian.putShort(buffer, offset + SEQUENCE_NUMBER_OFFSET, (short) sequence);
        return this;
    }

    /** Frames per channel in this packet (the sender's audio period). */
    public int bufferSize() {
        return LittleEndian.getShort(buffer, offset + BUFFER_SIZE_OFFSET) & 0xFFFF;
    }

    public PacketHeader bufferSize(int frames) {
        LittleEndian.putShort(buffer, offset + BUFFER_SIZE_OFFSET, (short) frames);
        return this;
    }

    /** The raw sampling-rate enum; see {@link SampleRate}. */
    public int samplingRateCode() {
        return buffer.get(offset + SAMPLING_RATE_OFFSET) & 0xFF;
    }

    public PacketHeader samplingRateCode(int code) {
        buffer.put(offset + SAMPLING_RATE_OFFSET, (byte) code);
        return this;
    }

    /** Bits per sample as sent: 8, 16, 24 or 32 from a well-behaved sender. */
    public int bitResolution() {
        return buffer.get(offset + BIT_RESOLUTION_OFFSET) & 0xFF;
    }

    public PacketHeader bitResolution(int bits) {
        buffer.put(offset + BIT_RESOLUTION_OFFSET, (byte) bits);
        return this;
    }

    /** Byte 14: the channel count the sender wants back. */
    public int channelsWanted() {
        return buffer.get(offset + CHANNELS_WANTED_OFFSET) & 0xFF;
    }

    public PacketHeader channelsWanted(int channels) {
        buffer.put(offset + CHANNELS_WANTED_OFFSET, (byte) channels);
        return this;
    }

    /** Byte 15 exactly as on the wire (0 and 255 are special; see {@link #channelsCarried()}). */
    public int channelsCarriedField() {
        return buffer.get(offset + CHANNELS_CARRIED_OFFSET) & 0xFF;
    }

    public PacketHeader channelsCarriedField(int field) {
        buffer.put(offset + CHANNELS_CARRIED_OFFSET, (byte) field);
        return this;
    }

    /** Channels this packet actually carries: byte 15, where 0 means byte 14 and 255 means none. */
    public int channelsCarried() {
        return channelsCarried(channelsWanted(), channelsCarriedField());
    }

    /** Encodes a carried-channel count the way JackTrip does: 0 when equal to the wanted count. */
    public PacketHeader channelsCarried(int carried) {
        int wanted = channelsWanted();
        int field = carried == 0 ? CARRIED_NONE : carried == wanted ? CARRIED_SAME_AS_WANTED : carried;
        return channelsCarriedField(field);
    }

    /** The byte-15 rule, usable without a buffer. */
    public static int channelsCarried(int wantedField, int carriedField) {
        if (carriedField == CARRIED_SAME_AS_WANTED) {
            return wantedField;
        }
        if (carriedField == CARRIED_NONE) {
            return 0;
        }
        return carriedField;
    }

    /** Offset of the first payload byte. */
    public int payloadOffset() {
        return offset + LENGTH;
    }

    @Override
    public String toString() {
        if (buffer == null) {
            return "PacketHeader[unwrapped]";
        }
        return "PacketHeader[ts=" + timestamp() + " seq=" + sequenceNumber() + " frames=" + bufferSize()
                + " rate=" + samplingRateCode() + " bits=" + bitResolution() + " wanted=" + channelsWanted()
                + " carried=" + channelsCarriedField() + "]";
    }
}
