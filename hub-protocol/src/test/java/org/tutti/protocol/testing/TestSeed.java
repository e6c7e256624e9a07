package org.tutti.protocol.testing;

/**
 * Seeds for randomised tests. A run uses a fresh seed unless the system property
 * {@code tutti.test.seed} fixes one ({@code mvn test -Dtutti.test.seed=1234}); every failure message
 * should include {@link #describe(long)} so that a failing run can be repeated exactly.
 */
public final class TestSeed {
    public static final String PROPERTY = "tutti.test.seed";

    private TestSeed() {
    }

    /** The seed for this run: the property if set, otherwise a new one. */
    public static long next() {
        String fixed = System.getProperty(PROPERTY);
        if (fixed != null && !fixed.isBlank()) {
            return Long.decode(fixed.trim());
        }
        return System.nanoTime() ^ Double.doubleToLongBits(Math.random());
    }

    /** {@code "seed 1234 (repeat with -Dtutti.test.seed=1234)"}. */
    public static String describe(long seed) {
        return "seed " + seed + " (repeat with -D" + PROPERTY + "=" + seed + ")";
    }
}
