package org.tutti.server.state;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the state file off the control thread. Changes arriving in quick succession (a fader being
 * dragged) are coalesced: only the newest state is written.
 */
public final class StatePersister implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.state");

    private final StateStore store;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tutti-state");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<SavedState> pending = new AtomicReference<>();
    private volatile long failures;

    public StatePersister(StateStore store) {
        this.store = store;
    }

    /** Queues {@code state} to be written (any thread; never blocks). */
    public void submit(SavedState state) {
        if (pending.getAndSet(state) == null) {
            writer.execute(this::writePending);
        }
    }

    private void writePending() {
        SavedState state = pending.getAndSet(null);
        if (state == null) {
            return;
        }
        try {
            store.save(state);
        } catch (Exception e) {
            failures++;
            LOG.error("could not write {}: {} (mixes stay in memory; will retry on the next change)", store.file(),
                    e.toString());
        }
    }

    public long failures() {
        return failures;
    }

    /** Writes anything pending and stops. */
    @Override
    public void close() {
        writer.execute(this::writePending);
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
