package org.tutti.server.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/** Opens a {@link HubInput} for the embedded engine: the tone generator or the WAV file's loop. */
public final class HubInputs {
    private HubInputs() {
    }

    /**
     * The engine's source for {@code input} at the hub's rate.
     *
     * @throws IllegalArgumentException when a tone is not below Nyquist or a WAV file cannot be read
     *                                  or is at another rate
     */
    public static EmbeddedClockServer.CaptureSource open(HubInput input, int sampleRate) {
        if (input instanceof HubInput.Tone tone) {
            return tone(tone, sampleRate);
        }
        if (input instanceof HubInput.Wav wav) {
            return wav(wav.path(), sampleRate);
        }
        return (capture, frames) -> {
            for (float[] channel : capture) {
                java.util.Arrays.fill(channel, 0, frames, 0f);
            }
        };
    }

    private static EmbeddedClockServer.CaptureSource tone(HubInput.Tone tone, int sampleRate) {
        if (!(tone.hertz() < sampleRate / 2.0)) {
            throw new IllegalArgumentException("tone frequency must be below Nyquist (" + sampleRate / 2 + " Hz): "
                    + tone.spec());
        }
        double amplitude = Math.pow(10, tone.dbfs() / 20.0);
        double step = 2 * Math.PI * tone.hertz() / sampleRate;
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
