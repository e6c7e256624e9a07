package org.tutti.server.engine;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Puts the calling thread under Linux's {@code SCHED_FIFO} policy, as JACK does for its process
 * thread. On a busy machine (two cores shared by the network thread, the kernel's UDP work and
 * anything else) a normal-priority engine thread is preempted often enough to miss periods; a
 * real-time one runs as soon as its deadline comes. The kernel still reserves 5 % of every second
 * for other threads ({@code sched_rt_runtime_us}), so a runaway engine cannot lock the machine up.
 *
 * <p>Needs root, {@code CAP_SYS_NICE} or an {@code RLIMIT_RTPRIO} (systemd: {@code LimitRTPRIO=});
 * without them the thread keeps its normal policy and the caller logs why.
 */
public final class RealtimeScheduling {
    private static final int SCHED_FIFO = 1;
    /**
     * Threads this one starts get normal scheduling back. Without it, Netty's event loops (started
     * lazily, some from the engine thread) inherit SCHED_FIFO and can starve the whole machine.
     */
    private static final int SCHED_RESET_ON_FORK = 0x40000000;

    private RealtimeScheduling() {
    }

    private interface CLibrary extends Library {
        /** {@code struct sched_param} is a single int: an int[1] passes as its address. */
        int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
    }

    private static final class Holder {
        static final CLibrary C = Native.load("c", CLibrary.class);
    }

    /**
     * Makes the calling thread {@code SCHED_FIFO} at {@code priority} (1–99).
     *
     * @return null on success, otherwise why not (for the log)
     */
    public static String promoteCurrentThread(int priority) {
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("real-time priority must be 1..99: " + priority);
        }
        if (!Platform.isLinux()) {
            return "real-time scheduling is only set up on Linux";
        }
        try {
            // pid 0: the calling thread
            Holder.C.sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, new int[] {priority});
            return null;
        } catch (LastErrorException e) {
            return e.getErrorCode() == 1 // EPERM
                    ? "not permitted (run as root, grant CAP_SYS_NICE, or set LimitRTPRIO in the systemd unit)"
                    : "sched_setscheduler failed: errno " + e.getErrorCode();
        } catch (LinkageError | RuntimeException e) { // no libc via JNA: UnsatisfiedLinkError, or its class failed to initialise
            return "cannot call sched_setscheduler: " + e;
        }
    }

    /**
     * For an audio thread at its start: asks for {@code priority} (0: asks nothing), records in
     * {@code timings} whether it got it, and logs the outcome.
     *
     * @param thread   the thread as the log names it ("engine thread")
     * @param lateness what a busy machine then shows, and where ("late periods (tutti_engine_late_periods_total)")
     */
    public static void promoteAndReport(int priority, PeriodTimings timings, org.slf4j.Logger log, String thread,
                                        String lateness) {
        if (priority <= 0) {
            return;
        }
        String refused = promoteCurrentThread(priority);
        timings.realtime(refused == null);
        if (refused != null) {
            log.warn("the {} runs without real-time scheduling ({}); on a busy machine expect {}."
                    + " --realtime-priority 0 silences this", thread, refused, lateness);
        } else {
            log.info("{}: SCHED_FIFO priority {}", thread, priority);
        }
    }

    /** The calling thread's scheduling policy as the kernel reports it (for tests and diagnostics). */
    public static String policyOfCurrentThread() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
            // Field 41 (policy) counts from after the command name, which may contain spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            int policy = Integer.parseInt(fields[38]) & ~SCHED_RESET_ON_FORK;
            return policy == SCHED_FIFO ? "fifo" : policy == 0 ? "other" : "policy " + policy;
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
