package org.tutti.server.jack;

/**
 * A participant's port audio between JACK's callback and the engine thread ({@code --jack-engine
 * async}), per staging set ({@link CycleHandoff}): what came from the participant, written by the
 * engine and put into the {@code _receive_} ports by the next callback, and what JACK's
 * {@code _send_} ports carried, staged by the callback for the engine. Each channel notes the cycle it
 * was last written for, so that a channel nobody wrote in a cycle (connected or disconnected in
 * between, a participant whose stream changed) is never taken for that cycle's audio.
 * The {@link CycleHandoff} orders every access; nothing here is volatile.
 */
final class PortStaging {
    /** [set][channel][frame] and [set][channel]. */
    final float[][][] from;
    final long[][] fromCycle;
    final float[][][] to;
    final long[][] toCycle;

    PortStaging(int sent, int wanted, int frames) {
        from = new float[CycleHandoff.SETS][sent][frames];
        fromCycle = new long[CycleHandoff.SETS][sent];
        to = new float[CycleHandoff.SETS][wanted][frames];
        toCycle = new long[CycleHandoff.SETS][wanted];
    }
}
