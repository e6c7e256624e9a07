package org.tutti.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion and returns its exit code and combined output. */
public final class ProcessRunner {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private ProcessRunner() {
    }

    public record Result(int exitCode, String output) {
    }

    public static Result run(Path directory, List<String> command) throws IOException, InterruptedException {
        return run(directory, command, DEFAULT_TIMEOUT);
    }

    /** As {@link #run(Path, List)}, ended (and a failure) after {@code timeout}: the output goes to a file meanwhile. */
    public static Result run(Path directory, List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        Path output = TempFiles.file("process-output", ".log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s: " + command
                    + "; output so far: " + text(output));
        }
        return new Result(process.exitValue(), text(output));
    }

    /** Whatever bytes the program wrote (progress bars included), never a decoding failure. */
    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
