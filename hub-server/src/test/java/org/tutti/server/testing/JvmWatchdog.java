package org.tutti.server.testing;

import java.io.IOException;
import java.util.List;

/**
 * A shell that ends a process, and every process below it, once this JVM is gone in any way (a crash,
 * a kill, a timeout of the build): a test run that dies leaves no JackTrip client or hub behind to hold
 * its ports against the next run. It ends by itself when the process does.
 */
public final class JvmWatchdog {
    /** $0 is this JVM, $1 the process: once the JVM is gone, SIGTERM to the process and all below it. */
    private static final String SCRIPT = "tree() { echo \"$1\"; for c in $(pgrep -P \"$1\"); do tree \"$c\"; done; };"
            + " while kill -0 \"$0\" 2>/dev/null && kill -0 \"$1\" 2>/dev/null; do sleep 1; done;"
            + " kill -0 \"$0\" 2>/dev/null || kill -TERM $(tree \"$1\") 2>/dev/null";

    private JvmWatchdog() {
    }

    /** The watchdog's command for {@code pid}, for a caller that runs it another way (as root). */
    public static List<String> command(long pid) {
        return List.of("sh", "-c", SCRIPT, Long.toString(ProcessHandle.current().pid()), Long.toString(pid));
    }

    /** Starts {@code command} (from {@link #command}) in the background. */
    public static void start(List<String> command) throws IOException {
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Guards {@code pid}, a process of this JVM's user. */
    public static void guard(long pid) throws IOException {
        start(command(pid));
    }
}
