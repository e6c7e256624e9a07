package org.tutti.server.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default audio server: one real-time thread that ticks at the hub's rate and period on the
 * monotonic clock. Deadlines are computed as {@code start + n·period}, never by sleeping a period,
 * so the clock does not drift. It parks until shortly before each deadline and spins the rest, which
 * keeps period start jitter far below a period at the cost of a little CPU.
 *
 * <p>When the thread was descheduled (shared VMs stall for tens of milliseconds now and then), it runs
 * the periods it missed back to back: every participant's jitter buffer drains what piled up meanwhile
 * and every client gets every period, in a burst its own buffer absorbs. Only beyond
 * {@link #MAX_CATCH_UP_SECONDS} does it skip ahead, counting the skipped periods; the jitter buffers
 * keep time through that long ({@link org.tutti.server.jitter.JitterBuffer#COAST_SECONDS}), so neither
 * leaves more than the one gap.
 *
 * <p>While the client is {@link AudioClient#idle idle} (a hub with nobody connected) the thread sleeps
 * instead of ticking, as hubs sit empty most of the week on cloud VMs that bill for CPU; the client's
 * wake-up unparks it and the clock starts again from that moment, so the sleep counts as neither late
 * nor skipped periods, and the first joiner's first period runs at once.
 */
public final class EmbeddedClockServer implements AudioServer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedClockServer.class);
    /** The longest stall caught up by running missed periods back to back (the packet senders' rings hold as much). */
    public static final double MAX_CATCH_UP_SECONDS = 0.2;

    private final AudioFormat format;
    private final int captureChannels;
    private final int playbackChannels;
    private final CaptureSource captureSource;
    private final long spinNanos;
    private final PeriodTimings timings;
    private volatile boolean running;
    private int realtimePriority;
    private Thread thread;

    /** Fills the server's capture channels each period (silence, a tone, a WAV file). */
    public interface CaptureSource {
        void fill(float[][] capture, int frames);
    }

    /**
     * @param spinNanos how long before each deadline to stop parking and spin (0 = park only)
     */
    public EmbeddedClockServer(AudioFormat format, int captureChannels, int playbackChannels,
                               CaptureSource captureSource, long spinNanos, PeriodTimings timings) {
        this.format = format;
        this.captureChannels = captureChannels;
        this.playbackChannels = playbackChannels;
        this.captureSource = captureSource;
        this.spinNanos = spinNanos;
        this.timings = timings;
    }

    /** Asks for {@code SCHED_FIFO} at this priority when the thread starts (0 = normal scheduling). */
    public EmbeddedClockServer realtimePriority(int priority) {
        this.realtimePriority = priority;
        return this;
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public String describe() {
        return "embedded clock, " + format;
    }

    @Override
    public long latePeriods() {
        return timings.latePeriods();
    }

    @Override
    public void start(AudioClient client) throws InterruptedException {
        client.configure(format, captureChannels, playbackChannels);
        CountDownLatch started = new CountDownLatch(1);
        running = true;
        thread = new Thread(() -> run(client, started), "tutti-engine");
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.setDaemon(true);
        thread.start();
        started.await();
    }

    private void run(AudioClient client, CountDownLatch started) {
        int frames = format.periodFrames();
        float[][] capture = new float[captureChannels][frames];
        float[][] playback = new float[playbackChannels][frames];
        RealtimeScheduling.promoteAndReport(realtimePriority, timings, LOG, "engine thread",
                "late periods (tutti_engine_late_periods_total)");
        Thread engineThread = Thread.currentThread();
        client.onWork(() -> LockSupport.unpark(engineThread));
        long maxBehind = (long) Math.ceil(MAX_CATCH_UP_SECONDS * 1e9 / format.periodNanos());
        long start = System.nanoTime();
        long n = 0;
        started.countDown();
        try {
            while (running) {
                long deadline = format.periodStart(start, n);
                waitUntil(deadline);
                long begin = System.nanoTime();
                long behind = (begin - deadline) / format.periodNanos();
                if (behind > maxBehind) {
                    timings.skipped(behind);
                    n += behind;
                    deadline = format.periodStart(start, n);
                }
                if (begin - deadline >= format.periodNanos()) {
                    timings.recovered(1); // a missed period, run late
                }
                captureSource.fill(capture, frames);
                client.process(deadline, capture, playback, frames);
                timings.record(begin - deadline, System.nanoTime() - begin);
                n++;
                if (client.idle()) {
                    sleepWhileIdle(client);
                    start = System.nanoTime();
                    n = 0;
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("audio engine thread failed; the hub stops mixing", e);
            throw e;
        } finally {
            client.shutdown();
        }
    }

    private void sleepWhileIdle(AudioClient client) {
        timings.idle(true);
        while (running && client.idle()) {
            Thread.interrupted(); // nothing interrupts this thread (stop() clears running), but a set flag would make park spin
            LockSupport.park(this); // the wake-up's unpark may come first: park then returns at once
        }
        timings.idle(false);
    }

    private void waitUntil(long deadline) {
        while (running) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            if (remaining > spinNanos) {
                LockSupport.parkNanos(remaining - spinNanos);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
