package org.tutti.server.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.tutti.server.Hub;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.AudioServer;
import org.tutti.server.session.Participant;
import org.tutti.testsupport.Ports;

/** A hub in this JVM on free loopback ports, closed after the test. */
public final class TestHub implements AutoCloseable {
    /**
     * Jitter-buffer depth, in 128-frame packets (43 ms), for tests that count what the hub does rather
     * than measure its latency: deeper than the stalls of a shared VM (up to about 40 ms), so a stall
     * of the test's own sender or of the hub costs nothing and what the test counts is the hub's doing.
     */
    public static final int STALL_PROOF_DEPTH = 16;
    private final Hub hub;

    private TestHub(Hub hub) {
        this.hub = hub;
    }

    public static TestHub start(Consumer<HubConfig.Builder> settings) throws Exception {
        return start(settings, null);
    }

    public static TestHub start(Consumer<HubConfig.Builder> settings, AudioServer server) throws Exception {
        HubConfig.Builder builder = HubConfig.builder();
        builder.tcpPort = Ports.freeTcp();
        builder.udpBasePort = Ports.freeUdpRange(32);
        builder.maxParticipants = 32;
        builder.bindAddress = "127.0.0.1";
        builder.stateDirectory = TempFiles.directory("tutti-state");
        builder.httpPort = Ports.freeTcp();
        settings.accept(builder);
        return new TestHub(server == null ? Hub.start(builder.build()) : Hub.start(builder.build(), server));
    }

    public Hub hub() {
        return hub;
    }

    public int tcpPort() {
        return hub.tcpAddress().getPort();
    }

    /** The control API's base URL, e.g. http://127.0.0.1:12345 */
    public String apiUrl() {
        return "http://127.0.0.1:" + hub.apiAddress().getPort();
    }

    /** The operator token the hub generated in its state directory. */
    public String operatorToken() throws java.io.IOException {
        return java.nio.file.Files.readString(hub.config().stateDirectory().resolve("operator.token")).strip();
    }

    public int udpBasePort() {
        return hub.config().udpBasePort();
    }

    /** Runs {@code query} on the conductor thread (where session state lives) and returns its result. */
    public <T> T onConductor(Callable<T> query) throws Exception {
        return hub.sessions().conductor().submit(query).get(5, TimeUnit.SECONDS);
    }

    public java.util.List<Participant> participants() throws Exception {
        return onConductor(() -> hub.sessions().active());
    }

    public Participant participant(String name) throws Exception {
        return onConductor(() -> hub.sessions().byName(name));
    }

    /** A protocol-level client named {@code name} that has sent its first packets and is streaming. */
    public FakeClient join(String name) throws Exception {
        FakeClient client = FakeClient.connect(tcpPort(), Ports.freeUdp(), name);
        client.sendSilence(2);
        await(Duration.ofSeconds(2), name + " streaming", () -> {
            Participant p = participant(name);
            return p != null && p.state() == Participant.State.STREAMING;
        });
        return client;
    }

    /** Polls {@code condition} until true or the timeout; fails with {@code message}. */
    public static void await(Duration timeout, String message, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms: " + message);
    }

    @Override
    public void close() {
        hub.close();
        Ports.releaseUdp(hub.config().udpBasePort(), hub.config().maxParticipants());
    }
}
