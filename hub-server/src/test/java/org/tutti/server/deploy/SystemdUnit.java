package org.tutti.server.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code [Service]} settings of a systemd unit file, read as systemd reads them: comments dropped,
 * lines ending in a backslash continued, the last assignment of a key winning. Enough for Tutti's own
 * unit, whose values have no quoting.
 */
record SystemdUnit(Map<String, String> service) {
    static SystemdUnit read(Path file) throws IOException {
        Map<String, String> service = new LinkedHashMap<>();
        String section = "";
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.startsWith("#") || line.startsWith(";") || line.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String logical = pending.toString();
            pending.setLength(0);
            if (logical.startsWith("[")) {
                section = logical;
            } else if (section.equals("[Service]")) {
                int equals = logical.indexOf('=');
                service.put(logical.substring(0, equals).strip(), logical.substring(equals + 1).strip());
            }
        }
        return new SystemdUnit(service);
    }

    String get(String key) {
        String value = service.get(key);
        if (value == null) {
            throw new IllegalStateException("the unit sets no " + key);
        }
        return value;
    }

    /** {@code ExecStart} split into words. */
    List<String> execStart() {
        return Arrays.asList(get("ExecStart").split("\\s+"));
    }
}
