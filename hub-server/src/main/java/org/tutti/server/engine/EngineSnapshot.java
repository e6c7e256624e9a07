package org.tutti.server.engine;

import org.tutti.mixer.plan.MixPlan;

/**
 * Everything one period needs, built by the control plane and swapped in whole: the streaming
 * participants, the compiled mix, and the source/output tables the mixer indexes by slot.
 * Immutable once published (the audio thread writes only into the audio buffers it references).
 *
 * @param sources {@code sources[slot]} = that source's buffers, or null
 * @param outputs {@code outputs[slot]} = that listener's mix buffers, or null
 * @param tap     what copies this period's audio out (the recorder), or null
 */
public record EngineSnapshot(long generation, ParticipantStream[] streams, MixPlan plan, float[][][] sources,
                             float[][][] outputs, PeriodTap tap) {

    public static EngineSnapshot empty(int slots) {
        return new EngineSnapshot(0, new ParticipantStream[0], MixPlan.EMPTY, new float[slots][][],
                new float[slots][][], null);
    }
}
