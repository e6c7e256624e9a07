package org.tutti.server.engine;

import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.SampleRate;

/**
 * What a participant's first datagram told us: its resolution, rate code, packet size and channel
 * counts. The hub answers each participant in exactly this resolution and layout.
 *
 * @param channelsSent   channels the client sends (header byte 15 rule)
 * @param channelsWanted channels the client wants back (header byte 14)
 */
public record StreamFormat(BitResolution resolution, int rateCode, int framesPerPacket, int channelsSent,
                           int channelsWanted) {

    public static StreamFormat of(PacketHeader header) {
        return new StreamFormat(BitResolution.fromBits(header.bitResolution()), header.samplingRateCode(),
                header.bufferSize(), header.channelsCarried(), header.channelsWanted());
    }

    /** Whether a later packet still has this shape (real clients never change it mid-session). */
    public boolean matches(PacketHeader header) {
        return header.bitResolution() == resolution.bits() && header.bufferSize() == framesPerPacket
                && header.channelsCarried() == channelsSent && header.samplingRateCode() == rateCode;
    }

    /** The client's sample rate in Hz; for code 7 (what JackTrip sends at 192 kHz) 192000. */
    public int sampleRate(int fallback) {
        SampleRate rate = SampleRate.fromCode(rateCode);
        if (rate == SampleRate.UNDEFINED) {
            return 192000;
        }
        return rate == null ? fallback : rate.hertz();
    }

    public int packetSize() {
        return PacketHeader.LENGTH + framesPerPacket * channelsSent * resolution.bytesPerSample();
    }

    /** For join lines: "16-bit, 48000 Hz, 128 frames, sends 2 ch, receives 2 ch". */
    public String describe() {
        SampleRate rate = SampleRate.fromCode(rateCode);
        String hz = rate == null || rate == SampleRate.UNDEFINED ? "rate code " + rateCode : rate.hertz() + " Hz";
        return resolution.bits() + "-bit, " + hz + ", " + framesPerPacket + " frames, sends " + channelsSent
                + " ch, receives " + channelsWanted + " ch";
    }
}
