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
        int bytes = resolution.bytesPerSample();
        int decoded = Math.min(channelsInPacket, targetChannels);
        for (int c = 0; c < decoded; c++) {
            resolution.decode(source, packetStart + PacketLayout.channelOffset(c, frames, bytes), frames,
                    target[c], targetOffset);
        }
        for (int c = decoded; c < targetChannels; c++) {
            java.util.Arrays.fill(target[c], targetOffset, targetOffset + frames, 0.0f);
        }
        return decoded;
    }
}
