package org.tutti.server.mix;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everyone's mix settings, by participant name, plus the hub's default preset, the mix-master
 * mode and the sections the operator put people in (others are in the section their name says). Control plane only (the conductor thread); the engine never sees it, only the plans
 * compiled from it. Settings of participants who are not connected are kept for when they return.
 */
public final class MixBook {
    private Preset defaultPreset;
    private final Map<String, ListenerSettings> listeners = new TreeMap<>();
    private ListenerSettings operatorMix = ListenerSettings.DEFAULT;
    private MixMaster master = MixMaster.OFF;
    private final Map<String, String> assignedSections = new TreeMap<>();
    private long changes;

    public MixBook(Preset defaultPreset) {
        this.defaultPreset = defaultPreset;
    }

    public Preset defaultPreset() {
        return defaultPreset;
    }

    public void defaultPreset(Preset preset) {
        this.defaultPreset = preset;
        changes++;
    }

    /** A listener's settings ({@link ListenerSettings#DEFAULT} if never set). */
    public ListenerSettings settings(String name) {
        return listeners.getOrDefault(name, ListenerSettings.DEFAULT);
    }

    public Map<String, ListenerSettings> all() {
        return Collections.unmodifiableMap(listeners);
    }

    public void put(String name, ListenerSettings settings) {
        if (settings.isDefault()) {
            listeners.remove(name);
        } else {
            listeners.put(name, settings);
        }
        changes++;
    }

    public ListenerSettings operatorMix() {
        return operatorMix;
    }

    public void operatorMix(ListenerSettings settings) {
        this.operatorMix = settings;
        changes++;
    }

    public MixMaster master() {
        return master;
    }

    public void master(MixMaster mode) {
        this.master = mode;
        changes++;
    }

    /** The section {@code participant} is in: the operator's choice, else their name's prefix, else null. */
    public String section(String participant) {
        String assigned = assignedSections.get(participant);
        return assigned != null ? assigned : Sections.fromName(participant);
    }

    /** Sections the operator set, by participant. */
    public Map<String, String> assignedSections() {
        return Collections.unmodifiableMap(assignedSections);
    }

    /** Puts {@code participant} in {@code section}; null goes back to the name's prefix. */
    public void assignSection(String participant, String section) {
        if (section == null) {
            assignedSections.remove(participant);
        } else {
            assignedSections.put(participant, Sections.check(section));
        }
        changes++;
    }

    /** Moves {@code from}'s settings to {@code to}, and renames it as a source in every mix. */
    public void rename(String from, String to) {
        ListenerSettings own = listeners.remove(from);
        if (own != null) {
            listeners.put(to, own);
        }
        listeners.replaceAll((name, settings) -> settings.renamed(from, to));
        String section = assignedSections.remove(from);
        if (section != null) {
            assignedSections.put(to, section);
        }
        operatorMix = operatorMix.renamed(from, to);
        if (from.equals(master.participant())) {
            master = new MixMaster(master.enabled(), to);
        }
        changes++;
    }

    /** Resets every listener to the preset (personal settings dropped). */
    public void resetAll() {
        listeners.clear();
        changes++;
    }

    /** Counts changes, so a persister can tell whether there is something to write. */
    public long changes() {
        return changes;
    }

    /** Replaces everything with {@code state} (loading a saved file). */
    public void restore(Preset preset, Map<String, ListenerSettings> saved, ListenerSettings operator, MixMaster mode,
                        Map<String, String> sections) {
        if (preset != null) {
            defaultPreset = preset;
        }
        listeners.clear();
        saved.forEach(this::put);
        operatorMix = operator == null ? ListenerSettings.DEFAULT : operator;
        master = mode == null ? MixMaster.OFF : mode;
        assignedSections.clear();
        if (sections != null) {
            sections.forEach((participant, section) -> {
                try {
                    assignSection(participant, section);
                } catch (IllegalArgumentException e) {
                    // A hand-edited state file: that one assignment is dropped, the rest is kept.
                }
            });
        }
        changes++;
    }
}
