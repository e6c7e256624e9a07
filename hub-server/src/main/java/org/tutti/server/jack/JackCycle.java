package org.tutti.server.jack;

import com.sun.jna.Callback;
import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The JACK calls of a process cycle, bound with JNA's direct mapping and with primitives only, so that
 * a cycle allocates nothing. jnajack's own process callback asks JACK for the buffer of every port the
 * client has registered, every cycle, spares and unconnected ones included, and each answer arrives as
 * a new {@code Pointer}: about 512 objects a cycle with 128 participants, before Tutti's code runs.
 * Here the callback gets only the frame count, and Tutti asks for the buffers it uses, as addresses.
 *
 * <p>jnajack still opens the client, registers ports and takes every other callback; the process
 * callback must be set here instead, before the client is activated.
 */
final class JackCycle {
    static {
        if (Native.POINTER_SIZE != 8) {
            throw new UnsupportedOperationException("JACK mode needs a 64-bit JVM: its pointers are Java longs here");
        }
        Native.register(JackCycle.class, NativeLibrary.getInstance("jack"));
    }

    /** JACK's {@code JackProcessCallback}: {@code int (*)(jack_nframes_t nframes, void *arg)}. */
    interface Process extends Callback {
        /** Returns 0; anything else makes JACK stop calling the client. */
        int invoke(int frames, long argument);
    }

    private JackCycle() {
    }

    private static native int jack_set_process_callback(long client, Process callback, long argument);

    /** The buffer of {@code port} for this cycle; audio thread only, inside the process callback. */
    static native long jack_port_get_buffer(long port, int frames);

    /** JACK's frame time at the start of this cycle, a 32-bit count. */
    private static native int jack_last_frame_time(long client);

    /** The SCHED_FIFO priority of the client's process thread, -1 when JACK runs without real-time scheduling. */
    private static native int jack_client_real_time_priority(long client);

    /**
     * Makes {@code callback} the client's process callback. The caller keeps {@code callback} reachable
     * for as long as the client lives: JNA holds it only weakly. The thread JACK calls it on stays
     * attached to the JVM (a daemon, so it never holds the JVM up), instead of being attached and
     * detached again every cycle.
     */
    static void setProcessCallback(long client, Process callback, String threadName) {
        Native.setCallbackThreadInitializer(callback, new CallbackThreadInitializer(true, false, threadName));
        int result = jack_set_process_callback(client, callback, 0);
        if (result != 0) {
            throw new IllegalStateException("jack_set_process_callback failed (" + result + ")");
        }
    }

    /** Any thread: the priority JACK gives the client's process thread, or -1 if not real-time. */
    static int clientRealtimePriority(long client) {
        return jack_client_real_time_priority(client);
    }

    static long lastFrameTime(long client) {
        return jack_last_frame_time(client) & 0xFFFF_FFFFL;
    }

    /**
     * A view that reads and writes port buffers by address without allocating: one per audio thread,
     * pointed at each buffer in turn.
     */
    static final class BufferView {
        private final Pointer view = new Pointer(0);

        /** Reads a port's buffer; JACK's NULL (no buffer) reads as silence rather than crashing the JVM. */
        void read(long buffer, float[] into, int frames) {
            if (buffer == 0) {
                java.util.Arrays.fill(into, 0, frames, 0f);
                return;
            }
            Pointer.nativeValue(view, buffer);
            view.read(0, into, 0, frames);
        }

        void write(long buffer, float[] from, int frames) {
            if (buffer != 0) {
                Pointer.nativeValue(view, buffer);
                view.write(0, from, 0, frames);
            }
        }
    }
}
