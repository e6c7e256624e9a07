package org.tutti.server.jack;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which participants get JACK ports: all (JackTrip's way, the default), none, or those picked by name
 * and by name pattern ({@code soprano-*}, {@code ?} for one character). A 200-voice session pays only
 * for the ports it patches. Immutable; {@code --jack-ports} and {@code PUT /api/jack/ports} set it.
 */
public record PortPolicy(Mode mode, Set<String> names, List<String> patterns) {
    public enum Mode { ALL, NONE, PICK }

    public static final PortPolicy ALL = new PortPolicy(Mode.ALL, Set.of(), List.of());
    public static final PortPolicy NONE = new PortPolicy(Mode.NONE, Set.of(), List.of());

    public PortPolicy {
        names = Set.copyOf(names);
        patterns = List.copyOf(patterns);
        if (mode != Mode.PICK && (!names.isEmpty() || !patterns.isEmpty())) {
            throw new IllegalArgumentException("names and patterns go with mode pick, not " + mode);
        }
        for (String pattern : patterns) {
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("an empty name pattern");
            }
        }
    }

    /** Names and patterns (those with {@code *} or {@code ?}) picked; nothing picked is {@link #NONE}. */
    public static PortPolicy pick(Collection<String> namesAndPatterns) {
        Set<String> names = new LinkedHashSet<>();
        List<String> patterns = new ArrayList<>();
        for (String item : namesAndPatterns) {
            String value = item.strip();
            if (value.isEmpty()) {
                continue;
            }
            if (value.contains("*") || value.contains("?")) {
                patterns.add(value);
            } else {
                names.add(value);
            }
        }
        return names.isEmpty() && patterns.isEmpty() ? NONE : new PortPolicy(Mode.PICK, names, patterns);
    }

    /** {@code all}, {@code none}, or a comma-separated list of names and patterns. */
    public static PortPolicy parse(String value) {
        String text = value == null ? "" : value.strip();
        if (text.equalsIgnoreCase("all")) {
            return ALL;
        }
        if (text.equalsIgnoreCase("none")) {
            return NONE;
        }
        PortPolicy picked = pick(List.of(text.split(",")));
        if (picked.mode() == Mode.NONE) {
            throw new IllegalArgumentException("JACK ports: all, none, or names and patterns (soprano-*), comma-separated: '"
                    + value + "'");
        }
        return picked;
    }

    /** Whether the participant named {@code name} gets ports. */
    public boolean wants(String name) {
        switch (mode) {
            case ALL:
                return true;
            case NONE:
                return false;
            default:
                if (names.contains(name)) {
                    return true;
                }
                for (String pattern : patterns) {
                    if (glob(pattern).matcher(name).matches()) {
                        return true;
                    }
                }
                return false;
        }
    }

    /** As {@link #parse} takes it. */
    @Override
    public String toString() {
        if (mode != Mode.PICK) {
            return mode.name().toLowerCase(Locale.ROOT);
        }
        List<String> all = new ArrayList<>(names);
        all.addAll(patterns);
        return String.join(",", all);
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
