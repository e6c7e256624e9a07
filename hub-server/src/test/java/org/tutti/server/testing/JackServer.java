package org.tutti.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A dummy-driver JACK server shared by every test in this JVM (JACK 2 allows only about eight per
 * machine). Named per test run, started on first use, stopped by PID when the JVM exits.
 *
 * <p>It runs with {@code -R} (real-time scheduling): without it the dummy driver's sleeps overshoot
 * and its clock runs about 0.3% slow, which to a hub on an accurate clock looks like a client whose
 * sound card drifts by 3000 ppm. With {@code -R} it is within about 20 ppm, like real hardware.
 */
public final class JackServer {
    private static final Map<Integer, JackServer> BY_RATE = new ConcurrentHashMap<>();
    private static final String RUN_ID = Long.toString(ProcessHandle.current().pid());

    private final String name;
    private final int sampleRate;
    private final Process process;
    private final Path log;

    private JackServer(String name, int sampleRate, Process process, Path log) {
        this.name = name;
        this.sampleRate = sampleRate;
        this.process = process;
        this.log = log;
    }

    /** The shared 48 kHz / 128-frame server. */
    public static JackServer shared() {
        return at(48000);
    }

    /** A shared server at {@code sampleRate} (128 frames). */
    public static JackServer at(int sampleRate) {
        return BY_RATE.computeIfAbsent(sampleRate, JackServer::start);
    }

    private static JackServer start(int sampleRate) {
        return start("tutti" + RUN_ID + "_" + sampleRate, sampleRate);
    }

    /** A server of the caller's own (not shared), e.g. to kill it in a test; stop it with {@link #stop()}. */
    public static JackServer startPrivate(String suffix) {
        return start("tutti" + RUN_ID + "_" + suffix, 48000);
    }

    private static JackServer start(String name, int sampleRate) {
        String jackd = ExternalTools.require("jackd", "jackd2");
        ExternalTools.require("jack_wait", "jackd2");
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 6; attempt++) {
            try {
                Path log = TempFiles.file("jackd-" + name, ".log");
                // A watchdog shell: jackd dies with it (SIGTERM) and also when this JVM dies in any way,
                // so a crashed test run never leaves servers behind (JACK allows only about eight).
                String script = "\"$0\" -R -n \"$1\" --port-max 2048 -d dummy -r \"$2\" -p 128 & server=$!;"
                        + " trap 'kill $server 2>/dev/null; wait $server; exit 0' TERM INT;"
                        + " while kill -0 \"$3\" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done;"
                        + " kill $server 2>/dev/null; wait $server";
                ProcessBuilder builder = new ProcessBuilder("sh", "-c", script, jackd, name, Integer.toString(sampleRate),
                        Long.toString(ProcessHandle.current().pid()))
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().put("JACK_NO_AUDIO_RESERVATION", "1");
                Process process = builder.start();
                JackServer server = new JackServer(name, sampleRate, process, log);
                if (server.awaitReady(10)) {
                    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop-jackd-" + name));
                    return server;
                }
                process.destroyForcibly();
                last = new IllegalStateException("jackd " + name + " did not come up: " + Files.readString(log));
            } catch (IOException e) {
                last = new IllegalStateException("cannot start jackd", e);
            }
            sleep(2000L * attempt); // "Too many servers already active": wait for others to go
        }
        throw last;
    }

    private boolean awaitReady(int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && process.isAlive()) {
            Process wait = new ProcessBuilder("jack_wait", "-s", name, "-c").redirectErrorStream(true).start();
            try {
                String out = new String(wait.getInputStream().readAllBytes());
                if (wait.waitFor() == 0 && out.strip().equals("running")) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep(200);
        }
        return false;
    }

    public String name() {
        return name;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public long pid() {
        return process.pid();
    }

    /** Environment for a JACK client process using this server. */
    public Map<String, String> clientEnvironment() {
        return Map.of("JACK_DEFAULT_SERVER", name, "JACK_NO_START_SERVER", "1", "JACK_NO_AUDIO_RESERVATION", "1");
    }

    /** {@code jack_lsp} output lines (port names), for assertions on the graph. */
    public List<String> ports() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("jack_lsp").redirectErrorStream(true);
        builder.environment().putAll(clientEnvironment());
        builder.command("jack_lsp", "-A");
        Process lsp = builder.start();
        String out = new String(lsp.getInputStream().readAllBytes());
        lsp.waitFor();
        return out.lines().filter(line -> !line.isBlank()).toList();
    }

    /** {@code jack_lsp -c}: each port followed by its connections, indented. */
    public List<String> connections() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("jack_lsp", "-c").redirectErrorStream(true);
        builder.environment().putAll(clientEnvironment());
        Process lsp = builder.start();
        String out = new String(lsp.getInputStream().readAllBytes());
        lsp.waitFor();
        return out.lines().toList();
    }

    /** The last {@code lines} lines of the server's log: what a failure shows of the server. */
    public String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Stops the server by the watchdog's PID (SIGTERM: it stops jackd and waits for it), then removes
     * what its clients left in /dev/shm: a client whose server died under it (as tests do on purpose)
     * never removes its semaphore, and they pile up run after run.
     */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
        removeStaleSemaphores();
    }

    private void removeStaleSemaphores() {
        try (var files = Files.newDirectoryStream(Path.of("/dev/shm"), "jack_sem.*_" + name + "_*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // Nothing to clean, or no /dev/shm: only tidiness is lost.
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
