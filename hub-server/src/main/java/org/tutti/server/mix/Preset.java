package org.tutti.server.mix;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.tutti.mixer.PatchMode;

/**
 * Ready-made mixes, equal to JackTrip's patch modes (and their {@code -i} variants). A listener's
 * personal settings are corrections on top of its preset.
 */
public enum Preset {
    /** Mode 0: the hub's own input only. */
    HUB_INPUT("hub-input", "the hub's own input (JackTrip -p 0)"),
    /** Mode 1: only yourself. */
    LOOPBACK("loopback", "only yourself (-p 1)"),
    /** Mode 2: everyone but yourself. */
    EVERYONE_BUT_ME("everyone-but-me", "everyone but yourself (-p 2)"),
    /** Mode 2 with -i ("6"). */
    EVERYONE_BUT_ME_AND_HUB("everyone-but-me+hub", "everyone but yourself, plus the hub's input (-p 2 -i)"),
    /** Mode 4: everyone, yourself included. */
    EVERYONE("everyone", "everyone including yourself (-p 4)"),
    /** Mode 4 with -i ("7"). */
    EVERYONE_AND_HUB("everyone+hub", "everyone including yourself, plus the hub's input (-p 4 -i)"),
    /** Modes 3 and 5: nothing unless set personally. */
    SILENCE("silence", "nothing (-p 5)");

    private final String id;
    private final String description;

    Preset(String id, String description) {
        this.id = id;
        this.description = description;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** The preset that reproduces JackTrip's {@code -p mode [-i]}. */
    public static Preset of(PatchMode mode, boolean includeServer) {
        switch (mode) {
            case SERVER_TO_CLIENTS:
                return HUB_INPUT;
            case CLIENT_LOOPBACK:
                return LOOPBACK;
            case CLIENT_FAN_OUT_IN:
                return includeServer ? EVERYONE_BUT_ME_AND_HUB : EVERYONE_BUT_ME;
            case FULL_MIX:
                return includeServer ? EVERYONE_AND_HUB : EVERYONE;
            default:
                return SILENCE;
        }
    }

    /** Parses an id ("everyone-but-me") or a JackTrip mode number ("2"). */
    @JsonCreator
    public static Preset parse(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT);
        for (Preset preset : values()) {
            if (preset.id.equals(key)) {
                return preset;
            }
        }
        if (key.matches("[0-5]")) {
            return of(PatchMode.fromNumber(Integer.parseInt(key)), false);
        }
        throw new IllegalArgumentException("unknown preset '" + text + "'; presets are hub-input, loopback,"
                + " everyone-but-me, everyone-but-me+hub, everyone, everyone+hub, silence (or 0-5)");
    }

    boolean includesEveryone() {
        return this == EVERYONE || this == EVERYONE_AND_HUB || this == EVERYONE_BUT_ME || this == EVERYONE_BUT_ME_AND_HUB;
    }

    boolean includesHub() {
        return this == HUB_INPUT || this == EVERYONE_AND_HUB || this == EVERYONE_BUT_ME_AND_HUB;
    }

    /** What the preset does with the listener's own voice on top of its base: 1, 0, or null (as the base). */
    Float selfGain() {
        switch (this) {
            case LOOPBACK:
                return 1f;
            case EVERYONE_BUT_ME:
            case EVERYONE_BUT_ME_AND_HUB:
                return 0f;
            default:
                return null;
        }
    }
}
