package org.tutti.server.session;

import java.util.ArrayList;
import java.util.List;
import org.tutti.mixer.plan.MixPlan;
import org.tutti.server.engine.EngineSnapshot;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.engine.PeriodTap;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.mix.MixModel;

/**
 * Builds and publishes the engine's snapshots (conductor thread): the streaming participants, the
 * compiled mix, and the slot tables the mixer indexes, swapped in whole with a new generation.
 */
final class EngineSnapshots {
    private final HubEngine engine;
    private final MixModel mixes;
    private ReturnSources returns = ReturnSources.NONE;
    private PeriodTapSource taps = PeriodTapSource.NONE;
    private MixPlan plan = MixPlan.EMPTY;
    private long generation;

    EngineSnapshots(HubEngine engine, MixModel mixes) {
        this.engine = engine;
        this.mixes = mixes;
    }

    void returns(ReturnSources sources) {
        this.returns = sources;
    }

    void taps(PeriodTapSource source) {
        this.taps = source;
    }

    MixPlan plan() {
        return plan;
    }

    /** The generation of the last snapshot published. */
    long generation() {
        return generation;
    }

    /** The streaming participants as the mixer sees them. */
    List<MixModel.Member> members(List<Participant> streaming) {
        List<MixModel.Member> members = new ArrayList<>();
        for (Participant participant : streaming) {
            ParticipantStream stream = participant.stream();
            float[][] back = returns.buffers(participant.slot());
            members.add(new MixModel.Member(participant.name(), participant.slot(), stream.input().length,
                    stream.output().length, back == null ? 0 : back.length));
        }
        return members;
    }

    void publish(List<Participant> streaming) {
        PeriodTap tap = taps.tapFor(streaming);
        float[][] recordedMix = tap == null ? null : tap.mixOutput();
        plan = mixes.compile(members(streaming), plan, recordedMix == null ? 0 : recordedMix.length);
        int size = engine.layout().size();
        float[][][] sources = new float[size][][];
        float[][][] outputs = new float[size][][];
        if (recordedMix != null) {
            outputs[engine.layout().recordingMix()] = recordedMix;
        }
        List<ParticipantStream> streams = new ArrayList<>();
        for (Participant participant : streaming) {
            ParticipantStream stream = participant.stream();
            streams.add(stream);
            if (stream.reader() != null) {
                sources[stream.slot()] = stream.input();
            }
            outputs[stream.slot()] = stream.output();
            sources[engine.layout().returnOf(stream.slot())] = returns.buffers(stream.slot());
        }
        generation++;
        engine.publish(new EngineSnapshot(generation, streams.toArray(new ParticipantStream[0]), plan, sources,
                outputs, tap));
    }
}
