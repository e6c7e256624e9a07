package org.tutti.server.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * A full disk for this JVM without root: the soft file-size limit (RLIMIT_FSIZE, set through
 * {@code prlimit}). Writes past it fail with EFBIG where a full disk gives ENOSPC, through the same
 * calls; HotSpot ignores the SIGXFSZ that comes with it.
 */
public final class FileSizeLimit {
    private FileSizeLimit() {
    }

    /** Sets the limit to {@code bytes}, or lifts it ({@code -1}). */
    public static void set(long bytes) throws Exception {
        String pid = Long.toString(ProcessHandle.current().pid());
        ProcessRunner.Result result = ProcessRunner.run(Path.of("."), List.of(ExternalTools.require("prlimit",
                "util-linux"), "--pid", pid, "--fsize=" + (bytes < 0 ? "unlimited" : Long.toString(bytes)) + ":"));
        if (result.exitCode() != 0) {
            throw new AssertionError("prlimit failed: " + result);
        }
    }
}
