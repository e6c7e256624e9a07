package org.tutti.server.jitter;

/**
 * How deep a participant's jitter buffer should be: fixed ({@code -q N} packets or {@code --queue-ms})
 * or adaptive ({@code -q auto}): the arrival spread the buffer has seen over the recent past, plus one
 * packet (it arrives whole), plus one period (we read in periods), plus a margin the operator sets.
 */
public record DepthTarget(boolean adaptive, int fixedPackets, double fixedMillis, double marginMillis) {
    /** The deepest an adaptive target is given room for. */
    static final double MAX_ADAPTIVE_SECONDS = 0.25;
    /** Every buffer holds at least this much: a stall's backlog (it coasts 0.25 s, then a burst comes). */
    static final double MIN_CAPACITY_SECONDS = 0.5;

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

    /**
     * The slots a jitter buffer needs for this target: four times the deepest the target can be (the
     * buffer holds its target to a quarter of its capacity, the rest is room for bursts), and at least
     * {@link #MIN_CAPACITY_SECONDS}. Sized to the target rather than to the deepest anyone might ask
     * for, because every join allocates it: at 2.7 s for everyone, 1 MB per stereo join made churn
     * (10 joins a second) start garbage collections that took the network thread's core.
     */
    public int capacitySlots(int framesPerPacket, int clientRate) {
        double deepestSeconds = adaptive ? MAX_ADAPTIVE_SECONDS
                : fixedMillis > 0 ? fixedMillis / 1000.0 : (double) fixedPackets * framesPerPacket / clientRate;
        int deepest = (int) Math.ceil(deepestSeconds * clientRate / framesPerPacket) + 2; // + a packet and a period
        int minimum = (int) Math.ceil(MIN_CAPACITY_SECONDS * clientRate / framesPerPacket);
        return Math.max(64, Math.max(4 * deepest, minimum));
    }
}
