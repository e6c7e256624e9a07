package org.tutti.server.engine;

import org.tutti.mixer.dsp.AdaptiveResampler;
import org.tutti.mixer.dsp.ResamplerKernel;
import org.tutti.server.net.PacketSender;

/**
 * One participant's mix on its way out (audio thread). At the hub's rate the mix goes straight into
 * a packet each period. For a client at another rate (44.1 kHz in a 48 kHz session) it is converted
 * to the client's rate and cut into packets of the client's own size, so some periods send none and
 * some two; the sender's FIFO carries them in order. No allocation after construction.
 */
public final class StreamOutput {
    private final PacketSender sender;
    private final AdaptiveResampler resampler;
    private final float[][] staging;
    private final int hubPeriod;
    private final int packetFrames;

    /**
     * @param clientRate   the client's rate; a resampler is only built when it differs from the hub's
     * @param packetFrames frames per packet sent (the hub period at the same rate, else the client's own)
     */
    public StreamOutput(PacketSender sender, int channels, int hubRate, int clientRate, int hubPeriod, int packetFrames) {
        this.sender = sender;
        this.hubPeriod = hubPeriod;
        this.packetFrames = packetFrames;
        if (clientRate == hubRate) {
            this.resampler = null;
            this.staging = null;
        } else {
            double ratio = (double) clientRate / hubRate;
            this.resampler = new AdaptiveResampler(channels, 4 * (hubPeriod + packetFrames) + 64, ratio,
                    ResamplerKernel.forRatio(ratio));
            this.staging = new float[channels][packetFrames];
        }
    }

    public PacketSender sender() {
        return sender;
    }

    /** Sends {@code mix[c][0, hubPeriod)}: one packet, or at another rate as many as are complete. */
    public void send(float[][] mix, long wallMicros) {
        if (resampler == null) {
            sender.stage(mix, wallMicros);
            return;
        }
        resampler.push(mix, 0, hubPeriod);
        while (resampler.available() >= resampler.needed(packetFrames)) {
            resampler.pull(staging, 0, packetFrames);
            sender.stage(staging, wallMicros);
        }
    }
}
