package org.tutti.server.recording;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One WAV file of a take: a participant's audio as the engine played it (after their jitter buffer),
 * or the take's mix. The file starts at the track's first period; periods missing after that (the
 * participant was away between a disconnect and a reconnect, or the ring overflowed) are written as
 * silence, so every sample stays at its place in the hub's timeline.
 */
final class Track {
    /** The participant's current name (a rename keeps the track and its file name). */
    private volatile String name;
    private final String fileName;
    private final TrackRing ring;
    private final int frames;
    /** The participant (session id) now feeding this track; conductor thread. */
    private long participantId;
    // Writer thread; read by the control plane for status (volatile: a consistent enough snapshot).
    private WavWriter writer;
    private volatile long startPeriod = -1;
    private volatile long framesWritten;
    private volatile long bytes;
    private long nextPeriod;
    private long droppedReported;

    Track(String name, String fileName, long participantId, int channels, int frames, int ringPeriods) {
        this.name = name;
        this.fileName = fileName;
        this.participantId = participantId;
        this.frames = frames;
        this.ring = new TrackRing(channels, frames, ringPeriods);
    }

    String name() {
        return name;
    }

    void name(String current) {
        name = current;
    }

    String fileName() {
        return fileName;
    }

    TrackRing ring() {
        return ring;
    }

    int channels() {
        return ring.channels();
    }

    long participantId() {
        return participantId;
    }

    void participantId(long id) {
        participantId = id;
    }

    /** The engine period of the first sample in the file, or -1 before any. */
    long startPeriod() {
        return startPeriod;
    }

    long frames() {
        return framesWritten;
    }

    long bytes() {
        return bytes;
    }

    long droppedFrames() {
        return ring.droppedPeriods() * frames;
    }

    /** Frames dropped since the last call (for the log). */
    long newlyDroppedFrames() {
        long dropped = ring.droppedPeriods();
        long fresh = dropped - droppedReported;
        droppedReported = dropped;
        return fresh * frames;
    }

    /** Writer thread: writes every block waiting in the ring. */
    void drain(Path folder, int sampleRate) throws IOException {
        long period;
        while ((period = ring.nextPeriod()) >= 0) {
            if (writer == null) {
                writer = WavWriter.create(folder.resolve(fileName), ring.channels(), sampleRate);
                startPeriod = period;
                nextPeriod = period;
            }
            if (period > nextPeriod) {
                writer.writeSilence((period - nextPeriod) * frames);
            }
            if (period >= nextPeriod) {
                writer.write(ring.next(), frames);
                nextPeriod = period + 1;
            }
            ring.release();
        }
        if (writer != null) {
            writer.updateHeader();
            framesWritten = writer.frames();
            bytes = writer.bytes();
        }
    }

    /** Writer thread: completes the file. */
    void close() throws IOException {
        if (writer != null) {
            writer.close();
            framesWritten = writer.frames();
            bytes = writer.bytes();
        }
    }

    /** Writer thread: closes after a failure, writing nothing more. */
    void abandon() {
        if (writer != null) {
            writer.abandon();
        }
    }
}
