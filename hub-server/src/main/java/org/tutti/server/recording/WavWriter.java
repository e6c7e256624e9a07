package org.tutti.server.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A 32-bit float WAV file written as it grows (the hub's samples, unchanged). The header is rewritten
 * with the current length at every {@link #updateHeader()}, so whatever has been written by then is a
 * valid file even if the process is killed. Room for an RF64 {@code ds64} chunk is reserved up front
 * (as a {@code JUNK} chunk, which every reader skips), so past 4 GiB the file turns into RF64 in place
 * (EBU Tech 3306) instead of overflowing its 32-bit sizes.
 *
 * <p>Layout, little-endian: RIFF/RF64 header (12), JUNK/ds64 (8 + 28), fmt (8 + 18, IEEE float),
 * fact (8 + 4), data (8 + samples).
 */
final class WavWriter implements AutoCloseable {
    private static final int RIFF_SIZE_AT = 4;
    private static final int DS64_AT = 12;
    private static final int DS64_SIZE = 28;
    private static final int FMT_AT = DS64_AT + 8 + DS64_SIZE;
    private static final int FMT_SIZE = 18;
    private static final int FACT_AT = FMT_AT + 8 + FMT_SIZE;
    private static final int FACT_FRAMES_AT = FACT_AT + 8;
    private static final int DATA_AT = FACT_AT + 8 + 4;
    private static final int DATA_SIZE_AT = DATA_AT + 4;
    /** Where the samples start. */
    static final int HEADER_BYTES = DATA_AT + 8;
    private static final short WAVE_FORMAT_IEEE_FLOAT = 3;
    private static final long MAX_32 = 0xFFFF_FFFFL;

    private final Path path;
    private final long riffLimit;
    private final FileChannel channel;
    private final int channels;
    private final ByteBuffer buffer;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long frames;
    /** Bytes of samples on disk (the buffer's are not yet). */
    private long written;
    private boolean rf64;

    /** Creates (or truncates) {@code path} and writes a header for an empty file. */
    static WavWriter create(Path path, int channels, int sampleRate) throws IOException {
        return create(path, channels, sampleRate, MAX_32);
    }

    /** @param riffLimit the largest RIFF size before the file turns RF64 (4 GiB; lower in tests) */
    static WavWriter create(Path path, int channels, int sampleRate, long riffLimit) throws IOException {
        WavWriter writer = new WavWriter(path, channels, sampleRate, riffLimit);
        writer.updateHeader();
        return writer;
    }

    private WavWriter(Path path, int channels, int sampleRate, long riffLimit) throws IOException {
        this.path = path;
        this.riffLimit = riffLimit;
        this.channels = channels;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        this.buffer = ByteBuffer.allocate(Math.max(4 * channels * 4096, 65536)).order(ByteOrder.LITTLE_ENDIAN);
        header.put(ascii("RIFF")).putInt(0).put(ascii("WAVE"));
        header.put(ascii("JUNK")).putInt(DS64_SIZE).put(new byte[DS64_SIZE]);
        header.put(ascii("fmt ")).putInt(FMT_SIZE)
                .putShort(WAVE_FORMAT_IEEE_FLOAT)
                .putShort((short) channels)
                .putInt(sampleRate)
                .putInt(sampleRate * channels * 4)
                .putShort((short) (channels * 4))
                .putShort((short) 32)
                .putShort((short) 0);
        header.put(ascii("fact")).putInt(4).putInt(0);
        header.put(ascii("data")).putInt(0);
    }

    Path path() {
        return path;
    }

    int channels() {
        return channels;
    }

    /** Frames written (or buffered) so far. */
    long frames() {
        return frames;
    }

    /** The file's size once everything buffered is written. */
    long bytes() {
        return HEADER_BYTES + frames * channels * 4L;
    }

    /** Appends {@code count} frames of {@code block} ({@code [channels][frames]}), interleaved. */
    void write(float[][] block, int count) throws IOException {
        for (int n = 0; n < count; n++) {
            if (buffer.remaining() < channels * 4) {
                flush();
            }
            for (int c = 0; c < channels; c++) {
                buffer.putFloat(block[c][n]);
            }
        }
        frames += count;
    }

    /** Appends {@code count} frames of silence. */
    void writeSilence(long count) throws IOException {
        for (long n = 0; n < count; n++) {
            if (buffer.remaining() < channels * 4) {
                flush();
            }
            for (int c = 0; c < channels; c++) {
                buffer.putFloat(0f);
            }
        }
        frames += count;
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            written += channel.write(buffer, HEADER_BYTES + written);
        }
        buffer.clear();
    }

    /** Writes what is buffered and the header that makes it a complete file. */
    void updateHeader() throws IOException {
        flush();
        long dataBytes = written;
        long riffBytes = HEADER_BYTES - 8 + dataBytes;
        if (!rf64 && riffBytes > riffLimit) {
            rf64 = true;
            header.put(0, ascii("RF64"));
            header.put(DS64_AT, ascii("ds64"));
        }
        if (rf64) {
            header.putInt(RIFF_SIZE_AT, -1);
            header.putLong(DS64_AT + 8, riffBytes);
            header.putLong(DS64_AT + 16, dataBytes);
            header.putLong(DS64_AT + 24, frames);
            header.putInt(DS64_AT + 32, 0); // no table
            header.putInt(FACT_FRAMES_AT, -1);
            header.putInt(DATA_SIZE_AT, -1);
        } else {
            header.putInt(RIFF_SIZE_AT, (int) riffBytes);
            header.putInt(FACT_FRAMES_AT, (int) Math.min(frames, MAX_32));
            header.putInt(DATA_SIZE_AT, (int) dataBytes);
        }
        ByteBuffer out = header.duplicate().clear();
        long at = 0;
        while (out.hasRemaining()) {
            at += channel.write(out, at);
        }
    }

    /** Completes the file and makes it durable. */
    @Override
    public void close() throws IOException {
        try {
            updateHeader();
            channel.force(true);
        } finally {
            channel.close();
        }
    }

    /** Closes without writing anything more (after a write already failed). */
    void abandon() {
        try {
            channel.close();
        } catch (IOException e) {
            // already failing; the caller reports the first error
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
