package org.tutti.server.engine;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What the hub plays as its own input when no JACK server provides one (modes 0, and 2/4 with
 * {@code -i}): silence, a sine tone, or a WAV file played in a loop. {@link HubInputs#open} makes the
 * engine's source of one.
 */
public sealed interface HubInput {
    Silence SILENCE = new Silence();

    /** Nothing. */
    record Silence() implements HubInput {
        @Override
        public String spec() {
            return "silence";
        }
    }

    /** A sine of {@code hertz} at {@code dbfs} (≤ 0) on every channel. */
    record Tone(double hertz, double dbfs) implements HubInput {
        public Tone {
            if (!(hertz > 0) || !(dbfs <= 0)) {
                throw new IllegalArgumentException("tone frequency must be above 0 Hz and its level ≤ 0 dBFS: tone:"
                        + hertz + ":" + dbfs);
            }
        }

        @Override
        public String spec() {
            return "tone:" + number(hertz) + ":" + number(dbfs);
        }
    }

    /** A WAV file at the hub's rate, looped; mono files play on every channel. */
    record Wav(Path path) implements HubInput {
        @Override
        public String spec() {
            return "wav:" + path;
        }
    }

    /** How the command line writes it: {@link #parse} reads it back. */
    String spec();

    /**
     * Parses {@code silence}, {@code tone[:HZ[:DBFS]]} (default 440 Hz at −20 dBFS) or {@code wav:PATH}.
     * Whether a tone is below Nyquist and a WAV file is readable is known only at the hub's rate, when
     * it is opened.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    static HubInput parse(String spec) {
        String[] parts = spec.split(":", 2);
        String kind = parts[0].trim().toLowerCase(Locale.ROOT);
        switch (kind) {
            case "silence":
            case "":
                return SILENCE;
            case "tone":
                return tone(parts.length > 1 ? parts[1] : "");
            case "wav":
                if (parts.length < 2 || parts[1].isBlank()) {
                    throw new IllegalArgumentException("hub input wav:PATH needs a path");
                }
                return new Wav(Path.of(parts[1]));
            default:
                throw new IllegalArgumentException("hub input must be silence, tone[:HZ[:DBFS]] or wav:PATH, not '"
                        + spec + "'");
        }
    }

    private static Tone tone(String args) {
        String[] values = args.isBlank() ? new String[0] : args.split(":");
        try {
            return new Tone(values.length > 0 ? Double.parseDouble(values[0]) : 440.0,
                    values.length > 1 ? Double.parseDouble(values[1]) : -20.0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tone needs numbers: tone:HZ:DBFS, not tone:" + args);
        }
    }

    /** 440.0 as "440", -20.5 as "-20.5". */
    private static String number(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
