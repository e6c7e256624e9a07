package org.tutti.server.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.PeriodTap;
import org.tutti.server.mix.MixMaster;
import org.tutti.server.mix.MixModel;
import org.tutti.server.session.Participant;
import org.tutti.server.session.PeriodTapSource;
import org.tutti.server.session.SessionListener;
import org.tutti.server.session.SessionManager;

/**
 * Records takes: every streaming participant's audio as the engine played it, and the mix, each to
 * its own WAV in a folder per take. The audio thread only copies periods into each track's ring
 * ({@link RecordingTaps}); a writer thread of its own drains the rings every
 * {@link #DRAIN_MILLIS} ms, keeps the files' headers valid, and rewrites the project files every few
 * seconds. A failed write stops the take (logged, counted, kept in its summary); the audio goes on.
 *
 * <p>{@link #start}, {@link #stop} and {@link #tapFor} run on the conductor thread; status may be read
 * anywhere.
 */
public final class Recorder implements PeriodTapSource, SessionListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.recording");
    static final long DRAIN_MILLIS = 50;
    /** How much audio each track's ring holds: how long the disk may stall before periods are dropped. */
    static final double RING_SECONDS = 0.5;
    private static final long PROJECT_FILES_MILLIS = 5_000;
    /** After a stop, a period still being captured has long finished by then. */
    private static final long STOP_GRACE_MILLIS = 100;
    private static final DateTimeFormatter FOLDER_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");

    /** What {@code GET /api/recording} and the pages show. */
    public record Status(String state, String take, String folder, double seconds, long bytes, long droppedFrames,
                         int tracks, String mix, String error) {
        public boolean recording() {
            return "recording".equals(state);
        }
    }

    /** Whether the take's mix follows the mix master (auto) or is always everyone at unity. */
    public enum MixChoice { AUTO, UNITY }

    private final Path directory;
    private final int sampleRate;
    private final int frames;
    private final int slots;
    private final SessionManager sessions;
    private final MixModel mixes;
    private final MixChoice defaultMix;
    private final ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "tutti-recorder");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Take current;
    private final LongAdder takes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder droppedFrames = new LongAdder();
    // Writer thread only.
    private long lastProjectFilesMillis;
    private long countedBytes;
    private long countedDrops;
    private Take counted;

    /** @param slots the engine's slot count ({@code SlotLayout.size()}) */
    public Recorder(Path directory, int sampleRate, int frames, int slots, SessionManager sessions,
                    MixChoice defaultMix) {
        this.directory = directory;
        this.sampleRate = sampleRate;
        this.frames = frames;
        this.slots = slots;
        this.sessions = sessions;
        this.mixes = sessions.mixes();
        this.defaultMix = defaultMix;
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        writer.setRemoveOnCancelPolicy(true);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Starts a take (conductor thread).
     *
     * @param mix null for the hub's default
     * @throws IllegalStateException if a take is running
     * @throws IOException           if the take's folder cannot be made
     */
    public Status start(MixChoice mix) throws IOException {
        Take running = current;
        if (running != null && !running.finished()) {
            throw new IllegalStateException("take " + running.name() + " is " + (running.closed() ? "still being"
                    + " finished" : "recording") + "; stop it first");
        }
        MixChoice choice = mix == null ? defaultMix : mix;
        Files.createDirectories(directory);
        String name = LocalDateTime.now().format(FOLDER_NAME);
        Path folder = directory.resolve(name);
        for (int n = 2; Files.exists(folder); n++) {
            folder = directory.resolve(name + "-" + n);
        }
        Files.createDirectory(folder);
        MixMaster master = mixes.book().master();
        String description = choice == MixChoice.AUTO && master.enabled()
                ? "the mix master's mix (" + (master.byOperator() ? "the operator" : master.participant()) + ")"
                : "everyone at unity";
        int ringPeriods = (int) Math.ceil(RING_SECONDS * sampleRate / frames);
        Take take = new Take(folder.getFileName().toString(), folder, sampleRate, frames, ringPeriods, description);
        mixes.recordingFollowsMaster(choice == MixChoice.AUTO);
        current = take;
        new Drain(take).schedule(); // only while a take runs: an idle hub's threads sleep
        takes.increment();
        sessions.publishSnapshot();
        LOG.info("recording take {} into {} (mix: {})", take.name(), folder, description);
        return status();
    }

    /**
     * Stops the take (conductor thread); the writer finishes its files within a moment.
     *
     * @throws IllegalStateException if none is recording
     */
    public Status stop() {
        Take take = current;
        if (take == null || take.closed()) {
            throw new IllegalStateException("nothing is recording");
        }
        take.close(null);
        sessions.publishSnapshot();
        return status();
    }

    @Override
    public PeriodTap tapFor(List<Participant> streaming) {
        Take take = current;
        if (take == null || take.closed()) {
            return null;
        }
        Set<Long> ids = new HashSet<>();
        for (Participant participant : streaming) {
            ids.add(participant.id());
        }
        ParticipantStream[] streams = new ParticipantStream[slots];
        TrackRing[] rings = new TrackRing[slots];
        for (Participant participant : streaming) {
            ParticipantStream stream = participant.stream();
            if (stream.reader() == null || stream.input().length == 0) {
                continue; // sends no audio: nothing to record
            }
            Track track = take.trackFor(participant.id(), participant.name(), stream.input().length, ids);
            streams[stream.slot()] = stream;
            rings[stream.slot()] = track.ring();
        }
        return new RecordingTaps(take, streams, rings);
    }

    /** A rename keeps the participant's track (and its file name); the project files show the new name. */
    @Override
    public void renamed(Participant participant, String oldName) {
        Take take = current;
        if (take != null && !take.closed()) {
            Track track = take.trackOf(participant.id());
            if (track != null) {
                track.name(participant.name());
            }
        }
    }

    public Status status() {
        Take take = current;
        if (take == null) {
            return new Status("off", null, null, 0, 0, 0, 0, null, null);
        }
        String state = take.error() != null ? "failed"
                : !take.closed() ? "recording" : take.finished() ? "stopped" : "stopping";
        return new Status(state, take.name(), take.folder().toString(), take.seconds(), take.bytes(),
                take.droppedFrames(), take.tracks().size(), take.mixDescription(), take.error());
    }

    public boolean recording() {
        Take take = current;
        return take != null && !take.closed();
    }

    public long takes() {
        return takes.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    public long droppedFrames() {
        return droppedFrames.sum();
    }

    /** Drains one take every {@link #DRAIN_MILLIS} ms until its files are finished, then stops. */
    private final class Drain implements Runnable {
        private final Take take;
        private volatile ScheduledFuture<?> future;

        Drain(Take take) {
            this.take = take;
        }

        void schedule() {
            future = writer.scheduleWithFixedDelay(this, DRAIN_MILLIS, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            tick(take);
            ScheduledFuture<?> scheduled = future;
            if (take.finished() && scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }

    /** Writer thread, every {@link #DRAIN_MILLIS} ms while the take is not finished. */
    private void tick(Take take) {
        if (take.finished()) {
            return;
        }
        try {
            boolean stopping = take.closed()
                    && System.currentTimeMillis() - take.stoppedAt().toEpochMilli() >= STOP_GRACE_MILLIS;
            take.drain();
            count(take);
            reportDrops(take);
            long now = System.currentTimeMillis();
            if (stopping) {
                for (Track track : take.tracks()) {
                    track.close();
                }
                take.mix().close();
                count(take);
                ProjectFiles.write(take);
                take.finished(true);
                LOG.info("take {} finished: {} tracks and the mix, {} s, {} MB, {} frames dropped", take.name(),
                        take.tracks().size(), String.format(java.util.Locale.ROOT, "%.1f", take.seconds()),
                        take.bytes() / 1_000_000, take.droppedFrames());
            } else if (now - lastProjectFilesMillis >= PROJECT_FILES_MILLIS) {
                ProjectFiles.write(take);
                lastProjectFilesMillis = now;
            }
        } catch (IOException | RuntimeException e) {
            fail(take, e);
        }
    }

    private void count(Take take) {
        if (counted != take) {
            counted = take;
            countedBytes = 0;
            countedDrops = 0;
        }
        long bytes = take.bytes();
        bytesWritten.add(bytes - countedBytes);
        countedBytes = bytes;
        long drops = take.droppedFrames();
        droppedFrames.add(drops - countedDrops);
        countedDrops = drops;
    }

    private void reportDrops(Take take) {
        for (Track track : take.tracks()) {
            long fresh = track.newlyDroppedFrames();
            if (fresh > 0) {
                LOG.warn("recording: dropped {} frames of {} (the disk did not keep up); silence in their place",
                        fresh, track.fileName());
            }
        }
        long fresh = take.mix().newlyDroppedFrames();
        if (fresh > 0) {
            LOG.warn("recording: dropped {} frames of the mix (the disk did not keep up); silence in their place", fresh);
        }
    }

    /** Writer thread: a write failed; the take stops with what it has, the audio goes on. */
    private void fail(Take take, Exception e) {
        failures.increment();
        String reason = e.toString();
        take.close(reason);
        LOG.error("recording stopped: take {} could not be written ({}); its files hold what was written until now",
                take.name(), reason);
        for (Track track : take.tracks()) {
            track.abandon();
        }
        take.mix().abandon();
        try {
            ProjectFiles.write(take);
        } catch (IOException | RuntimeException again) {
            // The same disk; the log line above says what happened.
        }
        take.finished(true);
        sessions.conductor().execute(sessions::publishSnapshot);
    }

    /** Stops a running take and finishes its files (hub shutdown). */
    @Override
    public void close() {
        Take take = current;
        if (take != null && !take.closed()) {
            take.close(null);
        }
        writer.shutdown();
        try {
            writer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (take != null && !take.finished()) {
            try {
                take.drain();
                for (Track track : take.tracks()) {
                    track.close();
                }
                take.mix().close();
                ProjectFiles.write(take);
                take.finished(true);
                LOG.info("take {} finished at shutdown: {} s", take.name(),
                        String.format(java.util.Locale.ROOT, "%.1f", take.seconds()));
            } catch (IOException | RuntimeException e) {
                LOG.error("take {} could not be finished at shutdown: {}", take.name(), e.toString());
            }
        }
    }
}
