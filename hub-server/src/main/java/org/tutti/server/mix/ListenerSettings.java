package org.tutti.server.mix;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * One listener's personal mix: a preset (null = the hub's default), per-source settings by
 * participant name ("hub" = the hub's own input), section faders by section name (on top of each
 * member's own setting), their own voice level, and a master level.
 * Immutable; kept by participant name so it survives reconnects and restarts.
 *
 * @param selfDb own-voice level in dB; null = what the preset (or the mix master) gives
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListenerSettings(Preset preset, Map<String, SourceSettings> sources, Double selfDb, double masterDb,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, SectionSettings> sections) {
    /** The name of the hub's own input in {@link #sources}. */
    public static final String HUB_SOURCE = "hub";
    public static final ListenerSettings DEFAULT = new ListenerSettings(null, Map.of(), null, 0, Map.of());

    @com.fasterxml.jackson.annotation.JsonCreator
    public ListenerSettings {
        sources = sources == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(sources));
        if (selfDb != null) {
            selfDb = Level.check("selfDb", selfDb);
        }
        masterDb = Level.check("masterDb", masterDb);
        sections = sections == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(sections));
    }

    public ListenerSettings(Preset preset, Map<String, SourceSettings> sources, Double selfDb, double masterDb) {
        this(preset, sources, selfDb, masterDb, Map.of());
    }

    public ListenerSettings withSource(String source, SourceSettings settings) {
        Map<String, SourceSettings> next = new TreeMap<>(sources);
        if (settings == null) {
            next.remove(source);
        } else {
            next.put(source, settings);
        }
        return new ListenerSettings(preset, next, selfDb, masterDb, sections);
    }

    public ListenerSettings withSection(String section, SectionSettings settings) {
        Map<String, SectionSettings> next = new TreeMap<>(sections);
        if (settings == null) {
            next.remove(section);
        } else {
            next.put(section, settings);
        }
        return new ListenerSettings(preset, sources, selfDb, masterDb, next);
    }

    public ListenerSettings withSections(Map<String, SectionSettings> newSections) {
        return new ListenerSettings(preset, sources, selfDb, masterDb, newSections);
    }

    public ListenerSettings withPreset(Preset newPreset) {
        return new ListenerSettings(newPreset, sources, selfDb, masterDb, sections);
    }

    public ListenerSettings withSelfDb(Double newSelfDb) {
        return new ListenerSettings(preset, sources, newSelfDb, masterDb, sections);
    }

    public ListenerSettings withMasterDb(double newMasterDb) {
        return new ListenerSettings(preset, sources, selfDb, newMasterDb, sections);
    }

    /** The same settings with participant {@code from} called {@code to}. */
    public ListenerSettings renamed(String from, String to) {
        if (!sources.containsKey(from)) {
            return this;
        }
        Map<String, SourceSettings> next = new TreeMap<>(sources);
        next.put(to, next.remove(from));
        return new ListenerSettings(preset, next, selfDb, masterDb, sections);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDefault() {
        return equals(DEFAULT);
    }
}
