package org.tutti.protocol.udp;

/**
 * Packet-size arithmetic (spec §3.3): header, then channel-major (planar) samples. Sample n of
 * channel c sits at {@code 16 + (c·N + n)·B}.
 */
public final class PacketLayout {
    /** The largest UDP payload over IPv4; JackTrip 2.x refuses R·size above 65536. */
    public static final int MAX_DATAGRAM = 65507;

    private PacketLayout() {
    }

    /** Bytes of one packet (header included) with the given shape. */
    public static int packetSize(int frames, int channels, int bytesPerSample) {
        return PacketHeader.LENGTH + payloadSize(frames, channels, bytesPerSample);
    }

    public static int payloadSize(int frames, int channels, int bytesPerSample) {
        return frames * channels * bytesPerSample;
    }

    /** Offset of channel {@code channel}'s first sample, relative to the packet start. */
    public static int channelOffset(int channel, int frames, int bytesPerSample) {
        return PacketHeader.LENGTH + channel * frames * bytesPerSample;
    }

    /** Offset of sample {@code frame} of {@code channel}, relative to the packet start. */
    public static int sampleOffset(int channel, int frame, int frames, int bytesPerSample) {
        return PacketHeader.LENGTH + (channel * frames + frame) * bytesPerSample;
    }

    /** Packet size the header at {@code header} declares, or -1 if its bit resolution is unknown. */
    public static int declaredPacketSize(PacketHeader header) {
        BitResolution resolution = BitResolution.fromBits(header.bitResolution());
        if (resolution == null) {
            return -1;
        }
        return packetSize(header.bufferSize(), header.channelsCarried(), resolution.bytesPerSample());
    }
}
