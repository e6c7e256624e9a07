package org.tutti.server.mix;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tutti.mixer.ListenerSpec;
import org.tutti.mixer.MixCompiler;
import org.tutti.mixer.Presets;
import org.tutti.mixer.Profile;
import org.tutti.mixer.SourceGain;
import org.tutti.mixer.SourceSpec;
import org.tutti.mixer.plan.MixPlan;
import org.tutti.server.engine.SlotLayout;

/**
 * Who hears what, on the control plane: turns the {@link MixBook} and the streaming participants
 * into listener specs and compiles them into the {@link MixPlan} the engine renders.
 *
 * <p>All listeners on the same preset share one base profile (one bus in the mixer); in mix-master
 * mode everyone shares the master's mix. Personal settings become per-listener corrections.
 */
public final class MixModel {
    private final MixBook book;
    private final SlotLayout layout;
    private final MixCompiler compiler;
    private int hubCaptureChannels;
    private int hubPlaybackChannels;
    private boolean hubOutput;
    private volatile boolean recordingFollowsMaster = true;

    /** A streaming participant as the mixer sees it. */
    /**
     * @param returnChannels channels of audio sent to this participant from outside (JACK input
     *                       ports), added to their mix; 0 when there are none
     */
    public record Member(String name, int slot, int channelsSent, int channelsWanted, int returnChannels) {
    }

    /**
     * @param hubOutput whether the hub's own output carries the sum of all clients (JackTrip modes 0 and -i)
     */
    public MixModel(MixBook book, boolean upmix, boolean hubOutput, SlotLayout layout, int maxFrames) {
        this.book = book;
        this.layout = layout;
        this.hubOutput = hubOutput;
        this.compiler = new MixCompiler(upmix, maxFrames);
    }

    public MixBook book() {
        return book;
    }

    /** The audio server's own channel counts (known once it is configured). */
    public void hubChannels(int capture, int playback) {
        this.hubCaptureChannels = capture;
        this.hubPlaybackChannels = playback;
    }

    /**
     * Whether the recording's mix is the mix master's mix while that mode is on (true), or always
     * everyone at unity (false).
     */
    public void recordingFollowsMaster(boolean follows) {
        this.recordingFollowsMaster = follows;
    }

    /** Whether the default preset mixes the hub's own input to anyone. */
    public boolean usesHubInput() {
        return book.defaultPreset().includesHub();
    }

    public MixPlan compile(List<Member> members, MixPlan previous) {
        return compile(members, previous, 0);
    }

    /**
     * @param recordingChannels channels of the recording's mix (rendered into {@link SlotLayout#recordingMix()}:
     *                          see {@link #recordingFollowsMaster}); 0 while not recording
     */
    public MixPlan compile(List<Member> members, MixPlan previous, int recordingChannels) {
        View view = new View(members);
        List<ListenerSpec> listeners = new ArrayList<>();
        for (Member member : members) {
            if (member.channelsWanted() > 0) {
                listeners.add(view.listener(member));
            }
        }
        if (hubOutput && hubPlaybackChannels > 0) {
            // JackTrip connects every client's receive ports to system playback in these modes.
            listeners.add(ListenerSpec.of(layout.hubOutput(), hubPlaybackChannels, -1, view.everyone));
        }
        if (recordingChannels > 0) {
            listeners.add(ListenerSpec.of(layout.recordingMix(), recordingChannels, -1, view.recordingProfile()));
        }
        return compiler.compile(view.sources, listeners, previous);
    }

    /** What {@code name} hears from each source, by source name (control plane, for the API). */
    public Map<String, SourceGain> effective(List<Member> members, String name) {
        View view = new View(members);
        Map<String, SourceGain> heard = new LinkedHashMap<>();
        for (Member member : members) {
            if (member.name().equals(name)) {
                ListenerSpec spec = view.listener(member);
                view.slotByName.forEach((source, slot) -> heard.put(source, spec.effectiveGain(slot)));
            }
        }
        return heard;
    }

    /** One compile's worth of lookups and shared profiles. */
    private final class View {
        final List<SourceSpec> sources = new ArrayList<>();
        final Map<String, Integer> slotByName = new LinkedHashMap<>();
        final Map<Integer, Member> bySlot = new HashMap<>();
        final Profile everyone;
        final Map<Preset, Profile> presets = new HashMap<>();
        final int hubSlot;
        Profile masterProfile;
        Member masterMember;

        View(List<Member> members) {
            List<SourceSpec> participants = new ArrayList<>();
            for (Member member : members) {
                bySlot.put(member.slot(), member);
                if (member.channelsSent() > 0) {
                    SourceSpec source = new SourceSpec(member.slot(), member.channelsSent());
                    participants.add(source);
                    slotByName.put(member.name(), member.slot());
                }
            }
            sources.addAll(participants);
            for (Member member : members) {
                if (member.returnChannels() > 0) {
                    sources.add(new SourceSpec(layout.returnOf(member.slot()), member.returnChannels()));
                }
            }
            hubSlot = hubCaptureChannels > 0 ? layout.hubInput() : -1;
            if (hubSlot >= 0) {
                sources.add(new SourceSpec(hubSlot, hubCaptureChannels));
                slotByName.put(ListenerSettings.HUB_SOURCE, hubSlot);
            }
            everyone = Presets.everyone(participants, -1);
            for (Preset preset : Preset.values()) {
                presets.put(preset, profile(preset, participants));
            }
            MixMaster master = book.master();
            if (master.enabled()) {
                ListenerSettings settings;
                int masterSelf = -1;
                if (master.byOperator()) {
                    settings = book.operatorMix();
                } else {
                    settings = book.settings(master.participant());
                    masterMember = members.stream().filter(m -> m.name().equals(master.participant())).findFirst()
                            .orElse(null);
                    masterSelf = masterMember == null || masterMember.channelsSent() == 0 ? -1 : masterMember.slot();
                }
                ListenerSpec perspective = personal(settings, masterSelf, 2, -1);
                Map<Integer, SourceGain> gains = new LinkedHashMap<>();
                for (SourceSpec source : sources) {
                    gains.put(source.slot(), perspective.effectiveGain(source.slot()));
                }
                masterProfile = Profile.of("mix-master", gains);
            }
        }

        /** What the recording's mix holds: the mix master's mix in that mode (unless set otherwise), else everyone at unity. */
        Profile recordingProfile() {
            return masterProfile != null && recordingFollowsMaster ? masterProfile : everyone;
        }

        private Profile profile(Preset preset, List<SourceSpec> participants) {
            boolean hub = preset.includesHub() && hubSlot >= 0;
            if (preset == Preset.HUB_INPUT) {
                return hub ? Presets.hubInput(hubSlot) : Profile.EMPTY;
            }
            if (preset.includesEveryone()) {
                return hub ? Presets.everyone(participants, hubSlot) : everyone;
            }
            return Profile.EMPTY;
        }

        ListenerSpec listener(Member member) {
            ListenerSpec spec = mix(member);
            if (member.returnChannels() == 0) {
                return spec;
            }
            // Whatever external JACK clients send into this participant's ports joins their mix.
            Map<Integer, SourceGain> overrides = new HashMap<>(spec.overrides());
            overrides.put(layout.returnOf(member.slot()), SourceGain.UNITY);
            return new ListenerSpec(spec.slot(), spec.channels(), spec.selfSlot(), spec.base(), overrides,
                    spec.soloed(), spec.master());
        }

        private ListenerSpec mix(Member member) {
            int self = member.channelsSent() > 0 ? member.slot() : -1;
            ListenerSettings settings = book.settings(member.name());
            if (masterProfile != null && member == masterMember) {
                // The mix master hears exactly the master mix (it was computed from their seat).
                return new ListenerSpec(member.slot(), member.channelsWanted(), self, masterProfile, Map.of(), Set.of(),
                        Level.linear(settings.masterDb()));
            }
            if (masterProfile != null) {
                // Everyone hears the master's mix; of their own settings only self and master levels count.
                Map<Integer, SourceGain> overrides = new HashMap<>();
                if (self >= 0 && settings.selfDb() != null) {
                    overrides.put(self, SourceGain.of(Level.linear(settings.selfDb())));
                }
                return new ListenerSpec(member.slot(), member.channelsWanted(), self, masterProfile, overrides, Set.of(),
                        Level.linear(settings.masterDb()));
            }
            return personal(settings, self, member.channelsWanted(), member.slot());
        }

        /** A listener's own mix: preset, then its per-source settings, own voice, solo and master level. */
        ListenerSpec personal(ListenerSettings settings, int self, int channels, int slot) {
            Preset preset = settings.preset() != null ? settings.preset() : book.defaultPreset();
            Map<Integer, SourceGain> overrides = new HashMap<>();
            Set<Integer> soloed = new HashSet<>();
            settings.sources().forEach((name, source) -> {
                Integer sourceSlot = slotByName.get(name);
                if (sourceSlot != null) {
                    overrides.put(sourceSlot, new SourceGain(source.linearGain(),
                            source.pan() == null ? SourceGain.UNPANNED : source.pan().floatValue()));
                    if (source.solo()) {
                        soloed.add(sourceSlot);
                    }
                }
            });
            if (!settings.sections().isEmpty()) {
                applySections(settings, self, presets.get(preset), overrides);
            }
            if (self >= 0) {
                if (settings.selfDb() != null) {
                    overrides.put(self, SourceGain.of(Level.linear(settings.selfDb())));
                } else if (!overrides.containsKey(self) && preset.selfGain() != null) {
                    overrides.put(self, SourceGain.of(preset.selfGain()));
                }
            }
            return new ListenerSpec(Math.max(slot, 0), channels, self, presets.get(preset), overrides, soloed,
                    Level.linear(settings.masterDb()));
        }

        /**
         * Section faders scale each member's gain (their own setting, else the preset's); the
         * listener's own voice has its own control and is left alone.
         */
        private void applySections(ListenerSettings settings, int self, Profile base,
                                   Map<Integer, SourceGain> overrides) {
            slotByName.forEach((name, slot) -> {
                String section = slot == self || slot == hubSlot ? null : book.section(name);
                SectionSettings fader = section == null ? null : settings.sections().get(section);
                if (fader == null) {
                    return;
                }
                SourceGain gain = overrides.getOrDefault(slot, base.gain(slot));
                overrides.put(slot, gain.withGain(gain.gain() * fader.linearGain()));
            });
        }
    }
}
