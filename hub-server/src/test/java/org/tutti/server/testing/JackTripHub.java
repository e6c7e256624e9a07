package org.tutti.server.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tutti.testsupport.Ports;

/** JackTrip's own hub ({@code jacktrip -S}) on a shared dummy JACK server, for side-by-side comparisons. */
public final class JackTripHub implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int tcpPort;

    private JackTripHub(Process process, Path log, int tcpPort) {
        this.process = process;
        this.log = log;
        this.tcpPort = tcpPort;
    }

    public static JackTripHub start(JackServer server, String... flags) throws IOException, InterruptedException {
        String jacktrip = ExternalTools.require("jacktrip", "jacktrip");
        int tcp = Ports.freeTcp();
        int udp = Ports.freeUdpRange(16);
        List<String> command = new ArrayList<>(List.of(jacktrip, "-S", "-B", Integer.toString(tcp), "-U",
                Integer.toString(udp)));
        command.addAll(List.of(flags));
        Path log = TempFiles.file("jacktrip-hub", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(server.clientEnvironment());
        JackTripHub hub = new JackTripHub(builder.start(), log, tcp);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", tcp)) {
                return hub; // listening (the probe connection just times out on the hub side)
            } catch (IOException e) {
                if (!hub.process.isAlive()) {
                    throw new IOException("jacktrip -S exited:\n" + hub.log());
                }
                Thread.sleep(100);
            }
        }
        hub.close();
        throw new IOException("jacktrip -S did not listen on " + tcp + ":\n" + hub.log());
    }

    public int tcpPort() {
        return tcpPort;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
