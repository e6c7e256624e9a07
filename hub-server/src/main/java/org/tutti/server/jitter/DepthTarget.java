package org.tutti.server.jitter;

/**
 * How deep a participant's jitter buffer should be: fixed ({@code -q N} packets or {@code --queue-ms})
 * or adaptive ({@code -q auto}): the arrival spread the buffer has seen over the recent past, plus one
 * packet (it arrives whole), plus one period (we read in periods), plus a margin the operator sets.
 */
public record DepthTarget(boolean adaptive, int fixedPackets, double fixedMillis, double marginMillis) {
    public static DepthTarget fixedPackets(int packets) {
        return new DepthTarget(false, packets, 0, 0);
    }

    public static DepthTarget adaptive(double marginMillis) {
        return new DepthTarget(true, 0, 0, marginMillis);
    }

    /** The target in the client's frames. */
    public int frames(JitterBuffer buffer, int clientRate, int hubPeriodFrames, int hubRate) {
        int packet = buffer.framesPerPacket();
        int period = (int) Math.ceil((double) hubPeriodFrames * clientRate / hubRate);
        if (adaptive) {
            double seconds = buffer.arrivalSpreadSeconds() + marginMillis / 1000.0;
            return Math.max(packet, period) + packet + (int) Math.ceil(seconds * clientRate);
        }
        if (fixedMillis > 0) {
            return Math.max(period, (int) Math.ceil(fixedMillis * clientRate / 1000.0));
        }
        return Math.max(period, fixedPackets * packet);
    }
}
