package org.tutti.protocol.udp;

import java.nio.ByteBuffer;

/**
 * Checks any datagram against the hub's settings (spec §3.7) and returns a typed result. Never
 * throws on bad input and never allocates.
 */
public final class DatagramValidator {
    /** JackTrip's header holds the channel counts in one byte; 255 is reserved. */
    public static final int DEFAULT_MAX_CHANNELS = 64;
    public static final int DEFAULT_MAX_FRAMES = 4096;

    private final int hubSampleRate;
    private final boolean anySampleRate;
    private final int acceptedBitsMask;
    private final int maxChannels;
    private final int maxFrames;

    /**
     * @param hubSampleRate    the hub's rate in Hz
     * @param anySampleRate    accept any rate code 0..7 (the hub resamples; 7 is what JackTrip sends at
     *                         192 kHz) instead of only the hub's
     * @param acceptedBitsMask bit {@code b/8} set for each accepted resolution; see {@link #ALL_RESOLUTIONS}
     */
    public DatagramValidator(int hubSampleRate, boolean anySampleRate, int acceptedBitsMask,
                             int maxChannels, int maxFrames) {
        this.hubSampleRate = hubSampleRate;
        this.anySampleRate = anySampleRate;
        this.acceptedBitsMask = acceptedBitsMask;
        this.maxChannels = maxChannels;
        this.maxFrames = maxFrames;
    }

    public static final int ALL_RESOLUTIONS = maskOf(BitResolution.values());

    public static int maskOf(BitResolution... resolutions) {
        int mask = 0;
        for (BitResolution resolution : resolutions) {
            mask |= 1 << (resolution.bits() / 8);
        }
        return mask;
    }

    /** A validator that accepts every resolution and only the hub's own rate, as Tutti does by default. */
    public static DatagramValidator forHubRate(int hubSampleRate) {
        return new DatagramValidator(hubSampleRate, false, ALL_RESOLUTIONS, DEFAULT_MAX_CHANNELS, DEFAULT_MAX_FRAMES);
    }

    /**
     * Validates the datagram {@code buffer[offset, offset + length)}; on any result past
     * {@link DatagramCheck#TOO_SHORT}, {@code header} is left wrapped at slot 0.
     */
    public DatagramCheck check(ByteBuffer buffer, int offset, int length, PacketHeader header) {
        if (ExitPacket.isControlLength(length)) {
            return ExitPacket.isExit(buffer, offset, length) ? DatagramCheck.EXIT : DatagramCheck.CONTROL;
        }
        if (length < PacketHeader.LENGTH) {
            return DatagramCheck.TOO_SHORT;
        }
        header.wrap(buffer, offset);
        int rateCode = header.samplingRateCode();
        if (SampleRate.fromCode(rateCode) == null) {
            return DatagramCheck.INVALID_SAMPLE_RATE;
        }
        if (!anySampleRate && !SampleRate.codeMatches(rateCode, hubSampleRate)) {
            return DatagramCheck.SAMPLE_RATE_MISMATCH;
        }
        BitResolution resolution = BitResolution.fromBits(header.bitResolution());
        if (resolution == null) {
            return DatagramCheck.INVALID_BIT_RESOLUTION;
        }
        if ((acceptedBitsMask & (1 << (resolution.bits() / 8))) == 0) {
            return DatagramCheck.BIT_RESOLUTION_MISMATCH;
        }
        int frames = header.bufferSize();
        if (frames == 0) {
            return DatagramCheck.NO_FRAMES;
        }
        if (frames > maxFrames) {
            return DatagramCheck.TOO_MANY_FRAMES;
        }
        int channels = header.channelsCarried();
        if (channels == 0 && header.channelsWanted() == 0) {
            // A receive-only sender (byte 15 = 255) is fine as long as it wants something.
            return DatagramCheck.NO_CHANNELS;
        }
        if (channels > maxChannels || header.channelsWanted() > maxChannels) {
            return DatagramCheck.TOO_MANY_CHANNELS;
        }
        int packetSize = PacketLayout.packetSize(frames, channels, resolution.bytesPerSample());
        if (Redundancy.slotCount(length, packetSize) == 0) {
            return DatagramCheck.SIZE_MISMATCH;
        }
        return DatagramCheck.OK;
    }
}
