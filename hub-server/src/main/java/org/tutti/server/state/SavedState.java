package org.tutti.server.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import org.tutti.server.mix.ListenerSettings;
import org.tutti.server.mix.MixMaster;
import org.tutti.server.mix.Preset;

/**
 * What the hub keeps across restarts, as written to {@code state/hub-state.json}.
 *
 * @param participantTokens SHA-256 (hex) of each participant's API token, by participant name
 * @param sections          sections the operator put participants in, by participant name
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SavedState(int version, Preset defaultPreset, MixMaster mixMaster, ListenerSettings operatorMix,
                         Map<String, ListenerSettings> listeners, Map<String, String> participantTokens,
                         Map<String, String> sections) {
    public static final int VERSION = 1;

    public SavedState {
        listeners = listeners == null ? Map.of() : Map.copyOf(listeners);
        participantTokens = participantTokens == null ? Map.of() : Map.copyOf(participantTokens);
        sections = sections == null ? Map.of() : Map.copyOf(sections);
    }
}
