package org.tutti.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real JackTrip client process ({@link JackTripVersion#current()}: Debian's 1.7.0 or the upstream
 * 2.7.2) on a shared dummy JACK server, connecting to a hub on loopback. Started with {@code -D} so it
 * does not touch system ports.
 */
public final class JackTripClient implements AutoCloseable {
    private final String jackName;
    private final int udpPort;
    private final Process process;
    private final Path log;
    private final JackServer server;

    private JackTripClient(String jackName, int udpPort, Process process, Path log, JackServer server) {
        this.jackName = jackName;
        this.udpPort = udpPort;
        this.process = process;
        this.log = log;
        this.server = server;
    }

    /**
     * Starts {@code jacktrip -C 127.0.0.1 -P hubTcpPort -B udpPort -J jackName -D [extra...]}.
     *
     * @param extra further flags, e.g. {@code -n 2 -b 16 -K name}
     */
    public static JackTripClient start(JackServer server, int hubTcpPort, String jackName, int udpPort,
                                       String... extra) throws IOException {
        String jacktrip = JackTripVersion.current().executable();
        List<String> command = new ArrayList<>(List.of(jacktrip, "-C", "127.0.0.1", "-P", Integer.toString(hubTcpPort),
                "-B", Integer.toString(udpPort), "-J", jackName, "-D"));
        command.addAll(List.of(extra));
        Path log = TempFiles.file("jacktrip-" + jackName, ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(server.clientEnvironment());
        Process process = builder.start();
        // A client left running by a test JVM that died would hold its UDP port and JACK ports (seen:
        // a port of the next run's hub range taken, its 32nd participant refused).
        JvmWatchdog.guard(process.pid());
        return new JackTripClient(jackName, udpPort, process, log, server);
    }

    public String jackName() {
        return jackName;
    }

    public int udpPort() {
        return udpPort;
    }

    public JackServer server() {
        return server;
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until the first hub datagram arrived ("Received Connection from Peer"). */
    public JackTripClient awaitConnected(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (log().contains("Received Connection from Peer")) {
                return this;
            }
            if (!process.isAlive()) {
                throw new AssertionError(JackTripVersion.current() + " " + jackName + " exited before connecting:\n" + log());
            }
            JackServer.sleep(50);
        }
        throw new AssertionError(JackTripVersion.current() + " " + jackName + " did not connect within " + timeoutMillis
                + " ms:\n" + log() + "\nthe JACK server's log ends:\n" + server.logTail(40));
    }

    /** Waits until the client's JACK ports exist (they appear right after the handshake). */
    public JackTripClient awaitPorts(long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (server.ports().stream().anyMatch(p -> p.startsWith(jackName + ":"))) {
                return this;
            }
            JackServer.sleep(50);
        }
        throw new AssertionError("no JACK ports for " + jackName + ":\n" + log());
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGINT: JackTrip sends its exit packet twice and stops. */
    public void interrupt() throws IOException, InterruptedException {
        signal("INT");
    }

    /** SIGKILL: gone without a word; the hub must notice by timeout. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    private void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    public boolean awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(3, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
