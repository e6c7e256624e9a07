package org.tutti.server.jack;

import com.sun.jna.NativeLibrary;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jaudiolibs.jnajack.JackClient;
import org.jaudiolibs.jnajack.lowlevel.JackLibrary;

/**
 * The Java callbacks libjack runs on a client's notification thread (port connections, xruns, the
 * period's size, the server's shutdown), and closing the client without libjack killing that thread
 * while one of them runs.
 *
 * <p>{@code jack_client_close} stops the notification thread with {@code pthread_cancel}, and JACK 2's
 * threads can be cancelled at any instruction. A thread cancelled while it runs Java leaves the JVM's
 * record of it half torn down, and the JVM crashes when the thread exits (a SIGSEGV in
 * {@code DetachCurrentThread}, called by JNA). A fresh-clone test run died so: a test's JACK client was
 * closed during a burst of xrun notifications. Closing a client while its port-connect callback ran
 * crashed the JVM within 40–160 closes in 3 runs of 3. So every callback runs inside {@link #run}, and
 * {@link #close} deactivates the client, takes every notification callback back from libjack, waits
 * for a callback still running to return, and only then closes the client.
 */
public final class NotificationCallbacks {
    /** libjack's setters of the callbacks that run on the notification thread: each is set back to none. */
    private static final String[] SETTERS = {"jack_set_port_connect_callback", "jack_set_xrun_callback",
            "jack_set_buffer_size_callback", "jack_set_sample_rate_callback", "jack_set_graph_order_callback",
            "jack_set_client_registration_callback", "jack_set_port_registration_callback"};
    /** How long a running callback may take to return before the client is closed regardless. */
    private static final long RETURN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** After the Java code returned, JNA's own way back into libjack (and its detach of the thread). */
    private static final long AFTER_RETURN_MILLIS = 20;
    private static final long WAIT_STEP_NANOS = 100_000;

    private final AtomicInteger running = new AtomicInteger();

    /** Runs {@code body} as one of the client's notification callbacks. */
    public void run(Runnable body) {
        running.incrementAndGet();
        try {
            body.run();
        } finally {
            running.decrementAndGet();
        }
    }

    /** How many callbacks are running now. */
    int running() {
        return running.get();
    }

    /**
     * Deactivates and closes {@code client}, whose notification callbacks all ran inside {@link #run}, so
     * that libjack never cancels its notification thread while Java runs on it. Blocks for as long as
     * libjack's calls do (callers that must not hang run it on a thread of its own).
     */
    public void close(JackClient client) {
        client.deactivate();
        unsetAll(client);
        long deadline = System.nanoTime() + RETURN_TIMEOUT_NANOS;
        while (running.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(WAIT_STEP_NANOS); // callbacks are short; a slow one is not worth a spinning core
        }
        try {
            Thread.sleep(AFTER_RETURN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }

    /** Takes every notification callback back from libjack; allowed on an inactive client only. */
    private static void unsetAll(JackClient client) {
        JackLibrary._jack_client pointer = JackConnection.handle(client);
        NativeLibrary jack = NativeLibrary.getInstance("jack");
        for (String setter : SETTERS) {
            jack.getFunction(setter).invokeInt(new Object[] {pointer, null, null});
        }
        jack.getFunction("jack_on_shutdown").invokeVoid(new Object[] {pointer, null, null});
    }
}
