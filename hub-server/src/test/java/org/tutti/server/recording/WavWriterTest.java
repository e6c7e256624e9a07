package org.tutti.server.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.tutti.server.testing.TempFiles;

/** The take's WAV files: exact float samples, a valid file at every header update, RF64 past the 32-bit limit. */
class WavWriterTest {
    private static float[][] block(int channels, int frames, int seed) {
        float[][] block = new float[channels][frames];
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < frames; n++) {
                block[c][n] = (float) Math.sin(0.01 * (seed * frames + n) + c) * (c + 1) * 0.3f;
            }
        }
        return block;
    }

    /** The samples of a float WAV as Java Sound reads it (an independent reader), [channel][frame]. */
    private static float[][] read(Path file) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat format = in.getFormat();
            assertEquals(AudioFormat.Encoding.PCM_FLOAT, format.getEncoding());
            assertEquals(32, format.getSampleSizeInBits());
            byte[] bytes = in.readAllBytes();
            int channels = format.getChannels();
            int frames = bytes.length / (4 * channels);
            assertEquals(in.getFrameLength(), frames, "the header's length is the data's");
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[][] samples = new float[channels][frames];
            for (int n = 0; n < frames; n++) {
                for (int c = 0; c < channels; c++) {
                    samples[c][n] = buffer.getFloat();
                }
            }
            return samples;
        }
    }

    @Test
    void samplesComeBackExactlyWithSilenceWhereAsked() throws Exception {
        Path file = TempFiles.directory("wav").resolve("a.wav");
        try (WavWriter writer = WavWriter.create(file, 2, 48000)) {
            writer.write(block(2, 128, 0), 128);
            writer.writeSilence(256);
            writer.write(block(2, 128, 3), 100);
            assertEquals(484, writer.frames());
        }
        float[][] samples = read(file);
        assertEquals(484, samples[0].length);
        assertArrayEquals(block(2, 128, 0)[1], java.util.Arrays.copyOfRange(samples[1], 0, 128));
        assertEquals(0f, samples[0][200]);
        assertArrayEquals(java.util.Arrays.copyOf(block(2, 128, 3)[0], 100),
                java.util.Arrays.copyOfRange(samples[0], 384, 484));
        assertEquals(WavWriter.HEADER_BYTES + 484 * 2 * 4L, Files.size(file));
    }

    @Test
    void theFileIsCompleteAtEveryHeaderUpdateAsIfTheHubWereKilledThere() throws Exception {
        Path file = TempFiles.directory("wav").resolve("a.wav");
        WavWriter writer = WavWriter.create(file, 1, 48000);
        assertEquals(0, read(file)[0].length, "valid while empty");
        for (int period = 0; period < 1000; period++) {
            writer.write(block(1, 128, period), 128);
        }
        writer.updateHeader();
        // Not closed: what a kill -9 would leave.
        float[][] samples = read(file);
        assertEquals(128_000, samples[0].length);
        assertArrayEquals(block(1, 128, 999)[0], java.util.Arrays.copyOfRange(samples[0], 127_872, 128_000));
        writer.abandon();
    }

    @Test
    void pastTheThirtyTwoBitSizesTheFileBecomesRf64InPlace() throws Exception {
        Path file = TempFiles.directory("wav").resolve("long.wav");
        // The real limit is 4 GiB; the header logic is the same with a small one.
        try (WavWriter writer = WavWriter.create(file, 2, 48000, 4096)) {
            writer.write(block(2, 128, 0), 128);
            writer.updateHeader();
            assertEquals("RIFF", chunk(file, 0));
            assertEquals("JUNK", chunk(file, 12));
            writer.write(block(2, 128, 1), 128);
            writer.write(block(2, 128, 2), 128);
            writer.write(block(2, 128, 3), 128);
            writer.write(block(2, 128, 4), 128);
        }
        assertEquals("RF64", chunk(file, 0));
        assertEquals("ds64", chunk(file, 12));
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long dataBytes = 5 * 128 * 2 * 4L;
        assertEquals(-1, header.getInt(4), "RIFF size in ds64");
        assertEquals(WavWriter.HEADER_BYTES - 8 + dataBytes, header.getLong(20), "ds64 RIFF size");
        assertEquals(dataBytes, header.getLong(28), "ds64 data size");
        assertEquals(5 * 128, header.getLong(36), "ds64 sample count");
        assertEquals("data", chunk(file, WavWriter.HEADER_BYTES - 8));
        assertEquals(-1, header.getInt(WavWriter.HEADER_BYTES - 4), "data size in ds64");
        assertEquals(block(2, 128, 4)[1][127], header.getFloat(WavWriter.HEADER_BYTES + (int) dataBytes - 4));
    }

    private static String chunk(Path file, int at) throws IOException {
        return new String(Files.readAllBytes(file), at, 4, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
