package org.tutti.server.state;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the state file off the control thread. Changes arriving in quick succession (a fader being
 * dragged) are coalesced: only the newest state is written. A write that fails (a full disk, a
 * directory that went read-only) is retried on its own, 1 s later and then at doubling intervals up
 * to {@link #MAX_RETRY_MILLIS}, until it succeeds, so that a change nobody repeats still reaches the
 * disk before a restart; {@link #status()} says meanwhile what is not saved and why.
 */
public final class StatePersister implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.state");
    public static final long FIRST_RETRY_MILLIS = 1_000;
    public static final long MAX_RETRY_MILLIS = 30_000;

    /** Whether the newest state is on disk; if not, since when (epoch millis), how often writing failed, and why. */
    public record Status(boolean saved, long failures, long unsavedSinceMillis, String lastError) {
    }

    private final StateStore store;
    private final ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "tutti-state");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<SavedState> pending = new AtomicReference<>();
    private volatile long failures;
    // Written by the writer thread only; read anywhere.
    private volatile long unsavedSinceMillis;
    private volatile String lastError;
    private long retryMillis; // writer thread only
    private boolean retryScheduled; // writer thread only
    private long failuresInARow;

    public StatePersister(StateStore store) {
        this.store = store;
        // On close, one last attempt is made at once; a retry still waiting is not waited for.
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Queues {@code state} to be written (any thread; never blocks). */
    public void submit(SavedState state) {
        if (pending.getAndSet(state) == null) {
            writer.execute(this::writePending);
        }
    }

    private void writePending() {
        retryScheduled = false;
        SavedState state = pending.getAndSet(null);
        if (state == null) {
            return;
        }
        try {
            store.save(state);
            if (failuresInARow > 0) {
                LOG.info("wrote {} after {} failed attempts; every change is saved again", store.file(),
                        failuresInARow);
            }
            failuresInARow = 0;
            unsavedSinceMillis = 0;
            lastError = null;
        } catch (Exception e) {
            failures++;
            failuresInARow++;
            if (unsavedSinceMillis == 0) {
                unsavedSinceMillis = System.currentTimeMillis();
            }
            String error = e.toString();
            retryMillis = failuresInARow == 1 ? FIRST_RETRY_MILLIS : Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
            // The first failure, and any new reason, in full; the same reason again only now and then,
            // so a disk that stays full for a night does not fill the log as well.
            if (failuresInARow == 1 || !error.equals(lastError) || Long.bitCount(failuresInARow) == 1) {
                LOG.error("could not write {}: {} (attempt {}; mixes stay in memory; retrying in {} s)", store.file(),
                        error, failuresInARow, retryMillis / 1000);
            }
            lastError = error;
            // Keep this state for the retry unless a newer one came meanwhile (that one is written then).
            pending.compareAndSet(null, state);
            if (!retryScheduled && !writer.isShutdown()) {
                try {
                    writer.schedule(this::writePending, retryMillis, TimeUnit.MILLISECONDS);
                    retryScheduled = true;
                } catch (RejectedExecutionException closing) {
                    // close() reports what is left unsaved.
                }
            }
        }
    }

    /** Failed writes since the hub started. */
    public long failures() {
        return failures;
    }

    public Status status() {
        long since = unsavedSinceMillis;
        return new Status(since == 0, failures, since, lastError);
    }

    /** Writes anything pending (one last attempt) and stops. */
    @Override
    public void close() {
        writer.execute(this::writePending);
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (unsavedSinceMillis != 0) {
            LOG.error("stopping with changes not written to {} ({}): they are lost", store.file(), lastError);
        }
    }
}
