package org.tutti.server.recording;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One recording: a folder with a WAV per participant and one for the mix, all in the hub's timeline.
 * Tracks are added by the control plane as participants stream; the writer thread drains them.
 */
final class Take {
    static final String MIX_FILE = "mix.wav";

    private final String name;
    private final Path folder;
    private final Instant started;
    private final int sampleRate;
    private final int frames;
    private final int ringPeriods;
    private final String mixDescription;
    private final List<Track> tracks = new CopyOnWriteArrayList<>();
    private final Set<String> fileNames = new HashSet<>();
    private final Track mix;
    private final float[][] mixOutput;
    private volatile boolean closed;
    private volatile long firstPeriod = -1;
    private volatile Instant stopped;
    private volatile String error;
    private volatile boolean finished;

    Take(String name, Path folder, int sampleRate, int frames, int ringPeriods, String mixDescription) {
        this.name = name;
        this.folder = folder;
        this.started = Instant.now();
        this.sampleRate = sampleRate;
        this.frames = frames;
        this.ringPeriods = ringPeriods;
        this.mixDescription = mixDescription;
        this.mixOutput = new float[2][frames];
        fileNames.add(MIX_FILE);
        this.mix = new Track("mix", MIX_FILE, -1, 2, frames, ringPeriods);
    }

    String name() {
        return name;
    }

    Path folder() {
        return folder;
    }

    Instant startedAt() {
        return started;
    }

    int sampleRate() {
        return sampleRate;
    }

    int frames() {
        return frames;
    }

    String mixDescription() {
        return mixDescription;
    }

    List<Track> tracks() {
        return tracks;
    }

    Track mix() {
        return mix;
    }

    float[][] mixOutput() {
        return mixOutput;
    }

    /** Audio thread: notes the take's first period (the zero of every track's position). */
    void started(long period) {
        if (firstPeriod < 0) {
            firstPeriod = period;
        }
    }

    long firstPeriod() {
        return firstPeriod;
    }

    /** Seconds from the take's start to the first sample of {@code track}. */
    double position(Track track) {
        long start = track.startPeriod();
        return start < 0 || firstPeriod < 0 ? 0 : (double) (start - firstPeriod) * frames / sampleRate;
    }

    double seconds(Track track) {
        return (double) track.frames() / sampleRate;
    }

    /** Whether the audio thread stops handing periods over (the take was stopped or failed). */
    boolean closed() {
        return closed;
    }

    void close(String reason) {
        if (reason != null && error == null) {
            error = reason;
        }
        if (stopped == null) {
            stopped = Instant.now();
        }
        closed = true;
    }

    Instant stoppedAt() {
        return stopped;
    }

    String error() {
        return error;
    }

    boolean finished() {
        return finished;
    }

    void finished(boolean value) {
        finished = value;
    }

    /**
     * The track participant {@code id} feeds (conductor thread): theirs if they have one; else, for a
     * reconnect, the track of the same name nobody streaming feeds now; else a new one.
     */
    Track trackFor(long id, String participantName, int channels, Set<Long> streamingIds) {
        for (Track track : tracks) {
            if (track.participantId() == id && track.channels() == channels) {
                return track;
            }
        }
        for (Track track : tracks) {
            if (track.name().equals(participantName) && track.channels() == channels
                    && !streamingIds.contains(track.participantId())) {
                track.participantId(id);
                return track;
            }
        }
        Track track = new Track(participantName, uniqueFileName(participantName), id, channels, frames, ringPeriods);
        tracks.add(track);
        return track;
    }

    /** The track participant {@code id} feeds now, or null. */
    Track trackOf(long id) {
        for (Track track : tracks) {
            if (track.participantId() == id) {
                return track;
            }
        }
        return null;
    }

    private String uniqueFileName(String participantName) {
        String base = participantName.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._]+", "");
        if (base.isEmpty()) {
            base = "participant";
        }
        String candidate = base + ".wav";
        for (int n = 2; !fileNames.add(candidate.toLowerCase(Locale.ROOT)); n++) {
            candidate = base + "-" + n + ".wav";
        }
        return candidate;
    }

    /** Writer thread: drains every track and the mix. */
    void drain() throws IOException {
        for (Track track : tracks) {
            track.drain(folder, sampleRate);
        }
        mix.drain(folder, sampleRate);
    }

    /** Frames the audio thread had to drop, over all tracks. */
    long droppedFrames() {
        long dropped = mix.droppedFrames();
        for (Track track : tracks) {
            dropped += track.droppedFrames();
        }
        return dropped;
    }

    long bytes() {
        long bytes = mix.bytes();
        for (Track track : tracks) {
            bytes += track.bytes();
        }
        return bytes;
    }

    /** How long the take has run (to its stop, once stopped), by the mix's length. */
    double seconds() {
        return seconds(mix);
    }
}
