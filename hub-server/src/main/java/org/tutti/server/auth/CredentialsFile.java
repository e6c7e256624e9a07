package org.tutti.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.codec.digest.Sha2Crypt;

/**
 * JackTrip's credentials file ({@code jacktrip -S -A --credsfile FILE}), read the way JackTrip reads
 * it: one {@code user:$6$salt$hash:times} per line, the hash SHA-512 crypt (what
 * {@code openssl passwd -6} writes; checked with commons-codec's {@link Sha2Crypt}), and times a
 * comma-separated list of {@code *} (always), {@code Mo*} (all Monday), {@code Mo0900-1700} (Monday
 * 09:00 to 17:00, the hub's local time), or nothing at all (never). Lines that do not parse are
 * skipped with a warning naming the line, never the hash. The file is read again when it changes
 * (its modification time or size), checked at each login: logins are rare, and no watcher thread is
 * needed.
 */
public final class CredentialsFile {
    /** What a login gets, as JackTrip answers it. */
    public enum Result { OK, WRONG_CREDENTIALS, WRONG_TIME }

    private static final String[] DAYS = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};

    private record Entry(String hash, String times) {
    }

    private final Path file;
    private final Consumer<String> warn;
    private Map<String, Entry> entries = Map.of();
    private Object readVersion;

    private CredentialsFile(Path file, Consumer<String> warn) {
        this.file = file;
        this.warn = warn;
    }

    /**
     * Reads {@code file}; fails if it cannot be read at all (the hub then does not start).
     *
     * @param warn told about each line skipped
     */
    public static CredentialsFile load(Path file, Consumer<String> warn) throws IOException {
        CredentialsFile credentials = new CredentialsFile(file, warn);
        credentials.read();
        return credentials;
    }

    /** How many users the file lets in (at some time). */
    public synchronized int users() {
        return entries.size();
    }

    /** Checks a login at {@code now} (the hub's local time); reads the file again first if it changed. */
    public synchronized Result check(String user, String password, LocalDateTime now) {
        reloadIfChanged();
        if (user == null || password == null || user.isEmpty() || password.isEmpty()) {
            return Result.WRONG_CREDENTIALS;
        }
        Entry entry = entries.get(user);
        if (entry == null) {
            // Spend the same time as for a known user, so the answer's timing does not tell who exists.
            Sha2Crypt.sha512Crypt(password.getBytes(StandardCharsets.UTF_8), "$6$timingtimingtim");
            return Result.WRONG_CREDENTIALS;
        }
        String computed;
        try {
            computed = Sha2Crypt.sha512Crypt(password.getBytes(StandardCharsets.UTF_8), entry.hash());
        } catch (IllegalArgumentException e) {
            return Result.WRONG_CREDENTIALS;
        }
        if (!MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                entry.hash().getBytes(StandardCharsets.US_ASCII))) {
            return Result.WRONG_CREDENTIALS;
        }
        return allowed(entry.times(), now) ? Result.OK : Result.WRONG_TIME;
    }

    private void reloadIfChanged() {
        try {
            if (!version().equals(readVersion)) {
                read();
                warn.accept("credentials file " + file + " changed: read again, " + entries.size() + " users");
            }
        } catch (IOException e) {
            warn.accept("credentials file " + file + " cannot be read (" + e.getMessage()
                    + "); keeping the " + entries.size() + " users read before");
        }
    }

    private Object version() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(attributes.lastModifiedTime(), attributes.size(), String.valueOf(attributes.fileKey()));
    }

    private void read() throws IOException {
        Object version = version();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Entry> read = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(":", -1);
            if (parts.length < 3) {
                warn.accept("credentials file " + file + " line " + (i + 1) + ": not user:hash:times; skipped");
                continue;
            }
            String[] hash = parts[1].split("\\$", -1);
            if (!parts[1].startsWith("$6$") || hash.length < 4 || hash[2].isEmpty() || hash[hash.length - 1].isEmpty()) {
                warn.accept("credentials file " + file + " line " + (i + 1) + ": the password is not a SHA-512"
                        + " crypt hash ($6$salt$hash, as openssl passwd -6 writes); skipped");
                continue;
            }
            if (!validTimes(parts[2])) {
                warn.accept("credentials file " + file + " line " + (i + 1) + ": times \"" + parts[2]
                        + "\" are not *, Mo* or Mo0900-1700 (comma-separated); " + parts[0] + " is let in never");
            }
            read.put(parts[0], new Entry(parts[1], parts[2]));
        }
        entries = read;
        readVersion = version;
    }

    /** JackTrip's time rules: empty is never, {@code *} always, else a day's whole day or range. */
    static boolean allowed(String times, LocalDateTime now) {
        if (times.isEmpty()) {
            return false;
        }
        String today = DAYS[now.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue()];
        LocalTime time = now.toLocalTime();
        for (String rule : times.split(",")) {
            if (rule.equals("*")) {
                return true;
            }
            if (!rule.startsWith(today)) {
                continue;
            }
            String range = rule.substring(2);
            if (range.equals("*")) {
                return true;
            }
            LocalTime[] bounds = range(range);
            if (bounds != null && !time.isBefore(bounds[0]) && !time.isAfter(bounds[1])) {
                return true;
            }
        }
        return false;
    }

    static boolean validTimes(String times) {
        if (times.isEmpty()) {
            return true;
        }
        for (String rule : times.split(",", -1)) {
            if (rule.equals("*")) {
                continue;
            }
            if (rule.length() < 3 || !List.of(DAYS).contains(rule.substring(0, 2))) {
                return false;
            }
            String range = rule.substring(2);
            if (!range.equals("*") && range(range) == null) {
                return false;
            }
        }
        return true;
    }

    /** "0900-1700" as two times (JackTrip's hhmm; 23:59 at the latest), or null. */
    private static LocalTime[] range(String text) {
        String[] ends = text.split("-", -1);
        if (ends.length != 2) {
            return null;
        }
        LocalTime start = hhmm(ends[0]);
        LocalTime end = hhmm(ends[1]);
        return start == null || end == null ? null : new LocalTime[] {start, end};
    }

    private static LocalTime hhmm(String text) {
        if (text.length() != 4 || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int hours = Integer.parseInt(text.substring(0, 2));
        int minutes = Integer.parseInt(text.substring(2));
        return hours < 24 && minutes < 60 ? LocalTime.of(hours, minutes) : null;
    }
}
