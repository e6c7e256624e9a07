package org.tutti.loadgen;

import java.util.Locale;

/** What the hub is expected to send back to each client, and therefore what gets checked. */
public enum Expectation {
    /** Own audio (Tutti/JackTrip {@code -p 1}, the reflector): ramp continuity and round-trip latency. */
    LOOPBACK,
    /** Others' audio ({@code -p 2} or {@code -p 4}): the next client's tone, own tone, marker latency. */
    MIX,
    /** Count packets and sequence numbers only. */
    NONE;

    public static Expectation parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
