package org.tutti.server.mix;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * One listener's personal mix: a preset (null = the hub's default), per-source settings by
 * participant name ("hub" = the hub's own input), their own voice level, and a master level.
 * Immutable; kept by participant name so it survives reconnects and restarts.
 *
 * @param selfDb own-voice level in dB; null = what the preset (or the mix master) gives
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListenerSettings(Preset preset, Map<String, SourceSettings> sources, Double selfDb, double masterDb) {
    /** The name of the hub's own input in {@link #sources}. */
    public static final String HUB_SOURCE = "hub";
    public static final ListenerSettings DEFAULT = new ListenerSettings(null, Map.of(), null, 0);

    public ListenerSettings {
        sources = sources == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(sources));
        if (selfDb != null) {
            selfDb = Level.check("selfDb", selfDb);
        }
        masterDb = Level.check("masterDb", masterDb);
    }

    public ListenerSettings withSource(String source, SourceSettings settings) {
        Map<String, SourceSettings> next = new TreeMap<>(sources);
        if (settings == null) {
            next.remove(source);
        } else {
            next.put(source, settings);
        }
        return new ListenerSettings(preset, next, selfDb, masterDb);
    }

    public ListenerSettings withPreset(Preset newPreset) {
        return new ListenerSettings(newPreset, sources, selfDb, masterDb);
    }

    public ListenerSettings withSelfDb(Double newSelfDb) {
        return new ListenerSettings(preset, sources, newSelfDb, masterDb);
    }

    public ListenerSettings withMasterDb(double newMasterDb) {
        return new ListenerSettings(preset, sources, selfDb, newMasterDb);
    }

    /** The same settings with participant {@code from} called {@code to}. */
    public ListenerSettings renamed(String from, String to) {
        if (!sources.containsKey(from)) {
            return this;
        }
        Map<String, SourceSettings> next = new TreeMap<>(sources);
        next.put(to, next.remove(from));
        return new ListenerSettings(preset, next, selfDb, masterDb);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDefault() {
        return equals(DEFAULT);
    }
}
