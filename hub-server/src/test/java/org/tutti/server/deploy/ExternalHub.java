package org.tutti.server.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.JvmWatchdog;
import org.tutti.server.testing.ProcessRunner;
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

    private ExternalHub(Process launcher, Path log, Path stateDirectory, int httpPort, long startNanos) {
        this.launcher = launcher;
        this.log = log;
        this.stateDirectory = stateDirectory;
        this.httpPort = httpPort;
        this.startNanos = startNanos;
    }

    /**
     * Starts {@code command}; the hub it runs keeps its state in {@code stateDirectory} and serves HTTP on
     * {@code httpPort}. A watchdog stops the launcher's whole tree when this JVM dies in any way, as
     * {@code JackServer}'s does for jackd, so a crashed test run leaves no hub behind.
     */
    static ExternalHub start(List<String> command, Path stateDirectory, int httpPort) throws IOException {
        Path log = TempFiles.file("external-hub", ".log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        watch(process.pid());
        return new ExternalHub(process, log, stateDirectory, httpPort, start);
    }

    /** Once this JVM is gone, the launcher and all below it end (as root: the hub may be another user's). */
    private static void watch(long launcher) throws IOException {
        JvmWatchdog.start(AsRoot.command(JvmWatchdog.command(launcher)));
    }

    /** Waits for {@code /api/health} to answer 200, and returns how long after the start that was. */
    Duration awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("the hub ended (exit " + launcher.exitValue() + ") before it answered: "
                        + log() + holders());
            }
            try {
                if (new ApiClient(base(), null).get("/api/health").status() == 200) {
                    return sinceStart();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no answer from /api/health within " + timeout.toSeconds() + " s: " + log());
    }

    /**
     * Who holds the control API's port, when the hub could not listen on it: the attribution a port
     * conflict needs (the test's port choice, or another process).
     */
    private String holders() throws IOException, InterruptedException {
        if (!log().contains("Address already in use")) {
            return "";
        }
        ProcessRunner.Result sockets = ProcessRunner.run(Path.of("."),
                AsRoot.command("ss", "-tanp", "( sport = :" + httpPort + " or dport = :" + httpPort + " )"));
        return "\nsockets on TCP " + httpPort + " (ephemeral range "
                + Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip() + "):\n"
                + sockets.output();
    }

    Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    String metrics() throws IOException, InterruptedException {
        return new ApiClient(base(), null).get("/metrics").text();
    }

    private String base() {
        return "http://127.0.0.1:" + httpPort;
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
        return new ApiClient(base(), token);
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /**
     * The hub's JVM: the launcher or a process below it running {@code java … tutti.jar}, the lowest such
     * (buildah itself and its exec helper show the JVM's command line too; SIGTERM to buildah kills the container).
     */
    ProcessHandle hubProcess() {
        Optional<ProcessHandle> hub = Stream.concat(Stream.of(launcher.toHandle()), launcher.descendants())
                .filter(ExternalHub::isHub).filter(p -> p.descendants().noneMatch(ExternalHub::isHub)).findFirst();
        return hub.orElseThrow(() -> new IllegalStateException("no hub process under " + launcher.pid()));
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

    /** Ends whatever still runs; the hub may be another user's, so the kill goes through {@link AsRoot}. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (!launcher.isAlive()) {
            return;
        }
        List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
        launcher.descendants().forEach(p -> kill.add(Long.toString(p.pid())));
        if (kill.size() > 2) {
            new ProcessBuilder(AsRoot.command(kill)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        launcher.destroyForcibly();
    }

    /**
     * Read from the command line, which /proc shows for anyone's process (the executable's path, which
     * {@code info().command()} reads, it shows only for one's own, and the hub runs as another user).
     */
    private static boolean isHub(ProcessHandle process) {
        return process.info().commandLine().map(c -> c.contains("java") && c.contains("tutti.jar")).orElse(false);
    }
}
