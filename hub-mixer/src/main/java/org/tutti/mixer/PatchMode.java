package org.tutti.mixer;

/**
 * JackTrip's hub patch modes ({@code -p}, spec §4.3), which Tutti reproduces as mix presets.
 */
public enum PatchMode {
    /** Clients hear the hub's own input; the hub's output carries the sum of all clients. */
    SERVER_TO_CLIENTS(0, "server-to-clients"),
    /** Each client hears only itself. */
    CLIENT_LOOPBACK(1, "client loopback"),
    /** Each client hears everyone else (mix-minus). */
    CLIENT_FAN_OUT_IN(2, "client fan out/in"),
    /** JackTrip's fixed TU Berlin matrix for 192.168.0.11–20; Tutti patches nothing, as in mode 5. */
    RESERVED_TU_BERLIN(3, "reserved (TU Berlin): no automatic patching"),
    /** Each client hears everyone, itself included. */
    FULL_MIX(4, "full mix"),
    /** Nothing is patched automatically. */
    NO_AUTO_PATCHING(5, "no auto patching");

    private final int number;
    private final String label;

    PatchMode(int number, String label) {
        this.number = number;
        this.label = label;
    }

    public int number() {
        return number;
    }

    public String label() {
        return label;
    }

    public static PatchMode fromNumber(int number) {
        for (PatchMode mode : values()) {
            if (mode.number == number) {
                return mode;
            }
        }
        throw new IllegalArgumentException("patch mode must be 0..5, not " + number);
    }

    /** Whether JackTrip's {@code -i} (include the hub's own input) changes this mode ("6" and "7"). */
    public boolean acceptsIncludeServer() {
        return this == CLIENT_FAN_OUT_IN || this == FULL_MIX;
    }
}
