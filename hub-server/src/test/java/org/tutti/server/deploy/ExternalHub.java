package org.tutti.server.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.TempFiles;

/**
 * A hub in a process of its own, started the way an operator starts it (from the container image, or as
 * the systemd unit says), reached over loopback like any other hub. The process started may be a
 * launcher (buildah, setpriv): the hub is the JVM among its descendants, and signals go to it.
 */
final class ExternalHub implements AutoCloseable {
    private final Process launcher;
    private final Path log;
    private final Path stateDirectory;
    private final int httpPort;
    private final long startNanos;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ExternalHub(Process launcher, Path log, Path stateDirectory, int httpPort, long startNanos) {
        this.launcher = launcher;
        this.log = log;
        this.stateDirectory = stateDirectory;
        this.httpPort = httpPort;
        this.startNanos = startNanos;
    }

    /**
     * Starts {@code command} in {@code stateDirectory} (the working directory of Tutti's unit and image); the
     * hub it runs keeps its state there and serves HTTP on {@code httpPort}.
     */
    static ExternalHub start(List<String> command, Path stateDirectory, int httpPort) throws IOException {
        Path log = TempFiles.file("external-hub", ".log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(stateDirectory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ExternalHub(process, log, stateDirectory, httpPort, start);
    }

    /** Waits for {@code /api/health} to answer 200, and returns how long after the start that was. */
    Duration awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("the hub ended (exit " + launcher.exitValue() + ") before it answered: "
                        + log());
            }
            try {
                if (get("/api/health").statusCode() == 200) {
                    return sinceStart();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no answer from /api/health within " + timeout.toSeconds() + " s: " + log());
    }

    Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    String metrics() throws IOException, InterruptedException {
        return get("/metrics").body();
    }

    /** The control API as the operator, with the token the hub wrote into its state directory. */
    ApiClient operator() throws IOException, InterruptedException {
        // Only the hub's user (and root) may read it.
        Process cat = new ProcessBuilder(AsRoot.command("cat", stateDirectory.resolve("operator.token").toString()))
                .redirectErrorStream(true).start();
        String token = new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (cat.waitFor() != 0) {
            throw new IllegalStateException("cannot read the operator token: " + token);
        }
        return new ApiClient("http://127.0.0.1:" + httpPort, token);
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The hub's JVM: the launcher itself, or the descendant that runs {@code java}. */
    ProcessHandle hubProcess() {
        if (isJava(launcher.toHandle())) {
            return launcher.toHandle();
        }
        Optional<ProcessHandle> java = launcher.descendants().filter(ExternalHub::isJava).findFirst();
        return java.orElseThrow(() -> new IllegalStateException("no java process under " + launcher.pid()));
    }

    /**
     * Sends SIGTERM to the hub's JVM, as {@code systemctl stop} and {@code podman stop} do, and waits for
     * the launcher to end. Returns the launcher's exit code.
     */
    int terminate(Duration timeout) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder(AsRoot.command("kill", "-TERM", Long.toString(hubProcess().pid())))
                .inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -TERM failed");
        }
        if (!launcher.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the hub did not end within " + timeout.toSeconds() + " s of SIGTERM: "
                    + log());
        }
        return launcher.exitValue();
    }

    @Override
    public void close() {
        launcher.descendants().forEach(ProcessHandle::destroyForcibly);
        launcher.destroyForcibly();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static boolean isJava(ProcessHandle process) {
        return process.info().command().map(c -> c.endsWith("/java")).orElse(false);
    }
}
