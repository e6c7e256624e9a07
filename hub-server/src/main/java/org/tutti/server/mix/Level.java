package org.tutti.server.mix;

/** Decibel levels as the API speaks them, and the linear gains the mixer uses. */
public final class Level {
    /** At or below this many dB a level is silence. */
    public static final double SILENT_DB = -120.0;
    /** The loudest gain any setting may ask for. */
    public static final double MAX_DB = 12.0;

    private Level() {
    }

    public static float linear(double db) {
        return db <= SILENT_DB ? 0f : (float) Math.pow(10.0, db / 20.0);
    }

    public static double db(double linear) {
        return linear <= 0 ? SILENT_DB : Math.max(SILENT_DB, 20.0 * Math.log10(linear));
    }

    /** Validates a dB value from outside: finite and at most {@link #MAX_DB}. */
    public static double check(String what, double db) {
        if (!Double.isFinite(db) || db > MAX_DB) {
            throw new IllegalArgumentException(what + " must be a number of dB up to +" + (int) MAX_DB + ": " + db);
        }
        return Math.max(SILENT_DB, db);
    }
}
