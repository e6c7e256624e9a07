package org.tutti.server.mix;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which section a participant sings in when the operator has not said: the name without its
 * trailing number, so {@code soprano-3}, {@code Soprano_12} and {@code soprano 2} are all "soprano",
 * {@code tenor2} is "tenor" and {@code bass-low-1} "bass-low". A name without a trailing number
 * ({@code alice}, {@code alice-smith}) is in no section.
 */
public final class Sections {
    /** The longest section name accepted from the API. */
    public static final int MAX_NAME = 32;
    private static final Pattern PREFIX = Pattern.compile("^(\\p{L}[\\p{L}\\p{N}_ .-]*?)[-_ .]*\\d+$");

    private Sections() {
    }

    /** The section {@code participant}'s name puts them in, or null. */
    public static String fromName(String participant) {
        Matcher matcher = PREFIX.matcher(participant);
        return matcher.matches() ? matcher.group(1).toLowerCase(Locale.ROOT) : null;
    }

    /** Checks a section name given through the API: 1–32 letters, digits, '-' or '_'. */
    public static String check(String section) {
        if (section == null || !section.matches("[\\p{L}\\p{N}_-]{1," + MAX_NAME + "}")) {
            throw new IllegalArgumentException("a section name is 1-" + MAX_NAME
                    + " letters, digits, '-' or '_': " + section);
        }
        return section.toLowerCase(Locale.ROOT);
    }
}
