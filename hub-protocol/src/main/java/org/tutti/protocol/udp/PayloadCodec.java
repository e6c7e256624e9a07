package org.tutti.protocol.udp;

import java.nio.ByteBuffer;

/**
 * Planar payload encode/decode between float channel buffers and the wire (spec §3.3).
 * Allocation-free: callers own every buffer.
 */
public final class PayloadCodec {
    private PayloadCodec() {
    }

    /**
     * Writes {@code channels} channels of {@code frames} samples, read from
     * {@code source[c][sourceOffset ..]}, as the payload of the packet that starts at {@code packetStart}.
     * Channels beyond {@code source.length} are sent as silence.
     */
    public static void encode(float[][] source, int sourceOffset, int channels, int frames,
                              BitResolution resolution, ByteBuffer target, int packetStart) {
        int bytes = resolution.bytesPerSample();
        for (int c = 0; c < channels; c++) {
            int index = packetStart + PacketLayout.channelOffset(c, frames, bytes);
            if (c < source.length) {
                resolution.encode(source[c], sourceOffset, frames, target, index);
            } else {
                resolution.encodeSilence(frames, target, index);
            }
        }
    }

    /**
     * Reads the payload of the packet at {@code packetStart} into {@code target[c][targetOffset ..]}.
     * As JackTrip does, uses min(channels in the packet, target channels); target channels the
     * packet does not carry are filled with zeros.
     *
     * @return the number of channels decoded
     */
    public static int decode(ByteBuffer source, int packetStart, int frames, int channelsInPacket,
                             BitResolution resolution, float[][] target, int targetChannels, int targetOffset) {
        int decoded = Math.min(channelsInPacket, targetChannels);
        for (int c = 0; c < decoded; c++) {
            decodeChannel(source, packetStart, frames, c, resolution, target[c], targetOffset);
        }
        for (int c = decoded; c < targetChannels; c++) {
            java.util.Arrays.fill(target[c], targetOffset, targetOffset + frames, 0.0f);
        }
        return decoded;
    }

    /**
     * The same into one flat array, channel after channel: channel c at
     * {@code target[targetOffset + c·frames ..]} (the jitter buffer keeps every slot in one array).
     *
     * @return the number of channels decoded
     */
    public static int decodePlanar(ByteBuffer source, int packetStart, int frames, int channelsInPacket,
                                   BitResolution resolution, float[] target, int targetChannels, int targetOffset) {
        int decoded = Math.min(channelsInPacket, targetChannels);
        for (int c = 0; c < decoded; c++) {
            decodeChannel(source, packetStart, frames, c, resolution, target, targetOffset + c * frames);
        }
        java.util.Arrays.fill(target, targetOffset + decoded * frames, targetOffset + targetChannels * frames, 0.0f);
        return decoded;
    }

    /** Channel {@code channel} of the payload at {@code packetStart} into {@code target[offset, offset + frames)}. */
    public static void decodeChannel(ByteBuffer source, int packetStart, int frames, int channel,
                                     BitResolution resolution, float[] target, int offset) {
        int bytes = resolution.bytesPerSample();
        resolution.decode(source, packetStart + PacketLayout.channelOffset(channel, frames, bytes), frames, target,
                offset);
    }
}
