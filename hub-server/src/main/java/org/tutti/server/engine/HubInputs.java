package org.tutti.server.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * The hub's own input when no JACK server provides one (modes 0, and 2/4 with {@code -i}):
 * silence, a sine tone, or a WAV file played in a loop — handy for sound checks.
 */
public final class HubInputs {
    private HubInputs() {
    }

    /**
     * Parses {@code silence}, {@code tone[:HZ[:DBFS]]} (default 440 Hz at −20 dBFS) or {@code wav:PATH}.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static EmbeddedClockServer.CaptureSource parse(String spec, int sampleRate) {
        String[] parts = spec.split(":", 2);
        String kind = parts[0].trim().toLowerCase(Locale.ROOT);
        switch (kind) {
            case "silence":
            case "":
                return (capture, frames) -> {
                    for (float[] channel : capture) {
                        java.util.Arrays.fill(channel, 0, frames, 0f);
                    }
                };
            case "tone":
                return tone(parts.length > 1 ? parts[1] : "", sampleRate);
            case "wav":
                if (parts.length < 2 || parts[1].isBlank()) {
                    throw new IllegalArgumentException("hub input wav:PATH needs a path");
                }
                return wav(Path.of(parts[1]), sampleRate);
            default:
                throw new IllegalArgumentException("hub input must be silence, tone[:HZ[:DBFS]] or wav:PATH, not '"
                        + spec + "'");
        }
    }

    private static EmbeddedClockServer.CaptureSource tone(String args, int sampleRate) {
        String[] values = args.isBlank() ? new String[0] : args.split(":");
        double hertz;
        double dbfs;
        try {
            hertz = values.length > 0 ? Double.parseDouble(values[0]) : 440.0;
            dbfs = values.length > 1 ? Double.parseDouble(values[1]) : -20.0;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tone needs numbers: tone:HZ:DBFS, not tone:" + args);
        }
        if (!(hertz > 0 && hertz < sampleRate / 2.0) || !(dbfs <= 0)) {
            throw new IllegalArgumentException("tone frequency must be below Nyquist and level ≤ 0 dBFS: " + args);
        }
        double amplitude = Math.pow(10, dbfs / 20.0);
        double step = 2 * Math.PI * hertz / sampleRate;
        return new EmbeddedClockServer.CaptureSource() {
            private double phase;

            @Override
            public void fill(float[][] capture, int frames) {
                double p = phase;
                for (int n = 0; n < frames; n++) {
                    float v = (float) (amplitude * Math.sin(p));
                    for (float[] channel : capture) {
                        channel[n] = v;
                    }
                    p += step;
                }
                phase = p % (2 * Math.PI);
            }
        };
    }

    private static EmbeddedClockServer.CaptureSource wav(Path path, int sampleRate) {
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("cannot read WAV file " + path);
        }
        float[][] audio;
        try (AudioInputStream raw = AudioSystem.getAudioInputStream(path.toFile())) {
            javax.sound.sampled.AudioFormat format = raw.getFormat();
            if (Math.round(format.getSampleRate()) != sampleRate) {
                throw new IllegalArgumentException("WAV file " + path + " is " + Math.round(format.getSampleRate())
                        + " Hz; the hub runs at " + sampleRate + " Hz");
            }
            javax.sound.sampled.AudioFormat floats = new javax.sound.sampled.AudioFormat(
                    javax.sound.sampled.AudioFormat.Encoding.PCM_FLOAT, format.getSampleRate(), 32,
                    format.getChannels(), 4 * format.getChannels(), format.getSampleRate(), false);
            try (AudioInputStream converted = AudioSystem.getAudioInputStream(floats, raw)) {
                byte[] bytes = converted.readAllBytes();
                int channels = format.getChannels();
                int frames = bytes.length / (4 * channels);
                audio = new float[channels][frames];
                java.nio.ByteBuffer data = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int n = 0; n < frames; n++) {
                    for (int c = 0; c < channels; c++) {
                        audio[c][n] = data.getFloat();
                    }
                }
            }
        } catch (UnsupportedAudioFileException | IOException | IllegalArgumentException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("WAV file")) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot decode WAV file " + path + ": " + e.getMessage(), e);
        }
        if (audio[0].length == 0) {
            throw new IllegalArgumentException("WAV file " + path + " is empty");
        }
        float[][] loop = audio;
        return new EmbeddedClockServer.CaptureSource() {
            private int position;

            @Override
            public void fill(float[][] capture, int frames) {
                int length = loop[0].length;
                for (int n = 0; n < frames; n++) {
                    for (int c = 0; c < capture.length; c++) {
                        capture[c][n] = loop[Math.min(c, loop.length - 1)][position];
                    }
                    position = position + 1 == length ? 0 : position + 1;
                }
            }
        };
    }
}
