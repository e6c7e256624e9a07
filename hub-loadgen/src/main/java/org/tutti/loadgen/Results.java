package org.tutti.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's results as ordered sections of flat key/value pairs ({@code config}, {@code clients},
 * {@code steady}, {@code total}, {@code cpu}) plus a timeline of periodic reports. Written as JSON
 * (nested one level) or TSV (one header row of {@code section.key} names, one row of values).
 */
public final class Results {
    private final Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    private final List<Map<String, Object>> timeline = new ArrayList<>();

    Map<String, Object> section(String name) {
        return sections.computeIfAbsent(name, n -> new LinkedHashMap<>());
    }

    void addTimeline(Map<String, Object> entry) {
        synchronized (timeline) {
            timeline.add(entry);
        }
    }

    /** A value, e.g. {@code get("steady", "seq_lost")}; null when absent. */
    public Object get(String section, String key) {
        Map<String, Object> values = sections.get(section);
        return values == null ? null : values.get(key);
    }

    public long getLong(String section, String key) {
        Object value = get(section, key);
        if (!(value instanceof Number)) {
            throw new IllegalArgumentException("no number " + section + "." + key + " in results");
        }
        return ((Number) value).longValue();
    }

    public double getDouble(String section, String key) {
        Object value = get(section, key);
        if (!(value instanceof Number)) {
            throw new IllegalArgumentException("no number " + section + "." + key + " in results");
        }
        return ((Number) value).doubleValue();
    }

    public List<Map<String, Object>> timeline() {
        synchronized (timeline) {
            return List.copyOf(timeline);
        }
    }

    /** Writes JSON, or TSV when the file name ends in {@code .tsv}. */
    public void write(Path file) throws IOException {
        String text = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? toTsv() : toJson();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    public String toJson() {
        StringBuilder out = new StringBuilder("{\n");
        boolean firstSection = true;
        for (Map.Entry<String, Map<String, Object>> section : sections.entrySet()) {
            if (!firstSection) {
                out.append(",\n");
            }
            firstSection = false;
            out.append("  ").append(quote(section.getKey())).append(": ");
            object(out, section.getValue());
        }
        out.append(",\n  \"timeline\": [");
        List<Map<String, Object>> entries = timeline();
        for (int i = 0; i < entries.size(); i++) {
            out.append(i == 0 ? "\n    " : ",\n    ");
            object(out, entries.get(i));
        }
        out.append(entries.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return out.toString();
    }

    public String toTsv() {
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (Map.Entry<String, Map<String, Object>> section : sections.entrySet()) {
            for (Map.Entry<String, Object> e : section.getValue().entrySet()) {
                if (names.length() > 0) {
                    names.append('\t');
                    values.append('\t');
                }
                names.append(section.getKey()).append('.').append(e.getKey());
                values.append(plain(e.getValue()));
            }
        }
        return names + "\n" + values + "\n";
    }

    private static void object(StringBuilder out, Map<String, Object> values) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            out.append(quote(e.getKey())).append(": ").append(json(e.getValue()));
        }
        out.append('}');
    }

    private static String json(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return plain(value);
        }
        return quote(value.toString());
    }

    private static String plain(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return "null";
            }
            return String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return String.valueOf(value).replace('\t', ' ').replace('\n', ' ');
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }
}
