package org.tutti.server.mix;

import java.util.ArrayList;
import java.util.List;
import org.tutti.mixer.ListenerSpec;
import org.tutti.mixer.MixCompiler;
import org.tutti.mixer.PatchMode;
import org.tutti.mixer.Presets;
import org.tutti.mixer.Profile;
import org.tutti.mixer.SourceSpec;
import org.tutti.mixer.plan.MixPlan;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.SlotLayout;

/**
 * Who hears what, on the control plane: the hub's patch mode as a mix preset for every listener,
 * compiled into the {@link MixPlan} the engine renders.
 */
public final class MixModel {
    private final PatchMode mode;
    private final boolean includeServer;
    private final SlotLayout layout;
    private final MixCompiler compiler;
    private int hubCaptureChannels;
    private int hubPlaybackChannels;

    public MixModel(PatchMode mode, boolean includeServer, boolean upmix, SlotLayout layout, int maxFrames) {
        this.mode = mode;
        this.includeServer = includeServer && mode.acceptsIncludeServer();
        this.layout = layout;
        this.compiler = new MixCompiler(upmix, maxFrames);
    }

    public PatchMode mode() {
        return mode;
    }

    /** The audio server's own channel counts (known once it is configured). */
    public void hubChannels(int capture, int playback) {
        this.hubCaptureChannels = capture;
        this.hubPlaybackChannels = playback;
    }

    /** Whether the hub's own input is mixed to anyone (mode 0, or 2/4 with -i). */
    public boolean usesHubInput() {
        return mode == PatchMode.SERVER_TO_CLIENTS || includeServer;
    }

    public MixPlan compile(List<ParticipantStream> streams, MixPlan previous) {
        List<SourceSpec> participants = new ArrayList<>();
        for (ParticipantStream stream : streams) {
            if (stream.jitter() != null) {
                participants.add(new SourceSpec(stream.slot(), stream.input().length));
            }
        }
        List<SourceSpec> sources = new ArrayList<>(participants);
        int hubInput = usesHubInput() && hubCaptureChannels > 0 ? layout.hubInput() : -1;
        if (hubInput >= 0) {
            sources.add(new SourceSpec(hubInput, hubCaptureChannels));
        }
        Profile base = Presets.base(mode, includeServer && hubInput >= 0, participants, hubInput);
        List<ListenerSpec> listeners = new ArrayList<>();
        for (ParticipantStream stream : streams) {
            int channels = stream.output().length;
            if (channels > 0) {
                int self = stream.jitter() != null ? stream.slot() : -1;
                listeners.add(Presets.listener(mode, base, stream.slot(), channels, self));
            }
        }
        if (usesHubInput() && hubPlaybackChannels > 0) {
            // JackTrip connects every client's receive ports to system playback in these modes.
            listeners.add(ListenerSpec.of(layout.hubOutput(), hubPlaybackChannels, -1,
                    Presets.everyone(participants, -1)));
        }
        return compiler.compile(sources, listeners, previous);
    }
}
