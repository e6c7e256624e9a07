package org.tutti.mixer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The patch modes as mixes: a shared base profile plus, where the mode needs it, the listener's own
 * voice switched on or off. Mode 2 is "everyone" minus self, so all listeners share one bus.
 */
public final class Presets {
    private Presets() {
    }

    /** Every participant at unity, plus the hub's input when {@code serverSlot ≥ 0}. */
    public static Profile everyone(List<SourceSpec> participants, int serverSlot) {
        Map<Integer, SourceGain> gains = new LinkedHashMap<>();
        for (SourceSpec source : participants) {
            gains.put(source.slot(), SourceGain.UNITY);
        }
        if (serverSlot >= 0) {
            gains.put(serverSlot, SourceGain.UNITY);
        }
        return Profile.of(serverSlot >= 0 ? "everyone+hub" : "everyone", gains);
    }

    /** Only the hub's own input. */
    public static Profile hubInput(int serverSlot) {
        return Profile.of("hub-input", Map.of(serverSlot, SourceGain.UNITY));
    }

    /** The base profile a patch mode gives every listener. */
    public static Profile base(PatchMode mode, boolean includeServer, List<SourceSpec> participants, int serverSlot) {
        switch (mode) {
            case SERVER_TO_CLIENTS:
                return hubInput(serverSlot);
            case CLIENT_FAN_OUT_IN:
            case FULL_MIX:
                return everyone(participants, includeServer ? serverSlot : -1);
            default:
                return Profile.EMPTY;
        }
    }

    /** What the mode does with the listener's own voice, on top of {@link #base}; null = leave the base as is. */
    public static SourceGain self(PatchMode mode) {
        switch (mode) {
            case CLIENT_LOOPBACK:
                return SourceGain.UNITY;
            case CLIENT_FAN_OUT_IN:
                return SourceGain.SILENT;
            default:
                return null;
        }
    }

    /** A listener exactly as JackTrip's patcher would connect it. */
    public static ListenerSpec listener(PatchMode mode, Profile base, int slot, int channels, int selfSlot) {
        SourceGain self = self(mode);
        Map<Integer, SourceGain> overrides = self == null || selfSlot < 0 ? Map.of() : Map.of(selfSlot, self);
        return new ListenerSpec(slot, channels, selfSlot, base, overrides, Set.of(), 1f);
    }
}
