package org.tutti.server.recording;

import org.tutti.server.engine.EngineSnapshot;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.PeriodTap;

/**
 * The recorder's side of one engine snapshot: which stream feeds which track's ring, and the mix.
 * Immutable; built with the snapshot it rides in, so a slot reused by a newcomer can never feed the
 * previous occupant's track.
 */
final class RecordingTaps implements PeriodTap {
    private final Take take;
    private final ParticipantStream[] streamBySlot;
    private final TrackRing[] ringBySlot;

    RecordingTaps(Take take, ParticipantStream[] streamBySlot, TrackRing[] ringBySlot) {
        this.take = take;
        this.streamBySlot = streamBySlot;
        this.ringBySlot = ringBySlot;
    }

    @Override
    public void capture(EngineSnapshot current, long period, int frames) {
        if (take.closed()) {
            return;
        }
        take.started(period);
        for (ParticipantStream stream : current.streams()) {
            int slot = stream.slot();
            TrackRing ring = ringBySlot[slot];
            if (ring != null && streamBySlot[slot] == stream) {
                ring.offer(period, stream.input(), frames);
            }
        }
        take.mix().ring().offer(period, take.mixOutput(), frames);
    }

    @Override
    public float[][] mixOutput() {
        return take.mixOutput();
    }
}
