package org.tutti.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.tutti.server.realclients.RealClients;
import org.tutti.server.testing.Analysis;
import org.tutti.server.testing.ExternalTools;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.ProcessRunner;
import org.tutti.server.testing.RepoFiles;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TempFiles;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/**
 * The container image as an operator gets it: {@code deploy/container/Containerfile} built with podman
 * (on base images made from Debian's packages, as Docker Hub is out of reach here), the hub run from the
 * image with its own entrypoint and user and host networking, a real JackTrip client hearing itself
 * through it, {@code /metrics} scraped, a stop by SIGTERM, and the mix set before it heard again after a
 * restart on the same state directory. {@code podman run} cannot start containers on this kind of
 * machine (crun and runc fail to set rlimits), so the image runs with {@code buildah run}, which takes
 * the same image, user, working directory and environment; the entrypoint is read from the image.
 */
class ContainerImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "carol";
    private static final double TONE_HZ = 440;
    /** The tone's amplitude 0.5, in 16-bit as the client sends it. */
    private static final double TONE_DBFS = 20 * Math.log10(0.5);
    private static final double SELF_DB = -12;
    private static final List<String> CONTAINERS = new ArrayList<>();

    @Test
    void theImageRunsAHubThatAClientHearsAndThatKeepsItsMixesAcrossARestart() throws Exception {
        ExternalTools.require("podman", "podman");
        ExternalTools.require("buildah", "buildah");
        ExternalTools.require("debootstrap", "debootstrap");
        Path root = RepoFiles.root();
        String image = "localhost/tutti-it:test"; // one name: a crashed run's image is replaced by the next
        long buildStart = System.nanoTime();
        ProcessRunner.Result bases = ProcessRunner.run(root, AsRoot.command("deploy/container/local-bases.sh"),
                Duration.ofMinutes(10));
        assertEquals(0, bases.exitCode(), "local base images: " + bases.output());
        List<String> build = new ArrayList<>(List.of("podman", "build"));
        build.addAll(List.of(lastLine(bases.output()).split(" ")));
        // The build stage's Maven reads this build's local repository instead of downloading it again,
        // but not Tutti's own artifacts: an operator's build has none, and a developer's `mvn install`
        // once hid a build that could not make them (hub-server needed hub-protocol's test-jar, which
        // -Dmaven.test.skip does not make). An empty directory is mounted over them.
        // --layers=false: no cached stage images left behind (the build stage alone is 700 MB).
        Path noTuttiArtifacts = TempFiles.directory("tutti-container-no-own-artifacts");
        build.addAll(List.of("--layers=false", "--force-rm", "--isolation", "chroot", "--network", "host",
                "-v", System.getProperty("tutti.mavenRepository") + ":/root/.m2/repository",
                "-v", noTuttiArtifacts + ":/root/.m2/repository/org/tutti",
                "-f", "deploy/container/Containerfile", "-t", image, "."));
        ProcessRunner.Result built = ProcessRunner.run(root, AsRoot.command(build), Duration.ofMinutes(10));
        assertEquals(0, built.exitCode(), "podman build: " + built.output());
        double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
        try {
            JsonNode config = JSON.readTree(podman("image", "inspect", "--format", "{{json .Config}}", image));
            long size = Long.parseLong(podman("image", "inspect", "--format", "{{.Size}}", image).strip());
            Path state = TempFiles.directory("tutti-container-state");
            ownedByImageUser(image, state);

            int tcp = Ports.freeTcp();
            int http = Ports.freeTcp();
            int udpBase = Ports.freeUdpRange(32);
            // In place of the image's CMD, as `podman run IMAGE options…`; --max-participants is in both.
            List<String> options = List.of("--hubpatch", "1", "--max-participants", "8",
                    "--queue", Integer.toString(TestHub.STALL_PROOF_DEPTH),
                    "--bindport", Integer.toString(tcp), "--udpbaseport", Integer.toString(udpBase),
                    "--http-port", Integer.toString(http));
            Duration healthy;
            Duration firstClient;
            try (ExternalHub hub = ExternalHub.start(runCommand(image, config, state, options), state, http)) {
                healthy = hub.awaitHealthy(Duration.ofSeconds(60));
                try (JackTripClient client = join(tcp)) {
                    firstClient = hub.sinceStart();
                    Analysis.ToneLevel level = heardBack(client);
                    assertEquals(TONE_DBFS, level.dbfs(), 0.1, "the client hears itself (mode 1): " + level
                            + "; hub log: " + hub.log());
                    String metrics = hub.metrics();
                    assertTrue(metrics.contains("tutti_participants 1.0"), "/metrics counts the client: " + metrics);
                    assertEquals(200, hub.operator().patch("/api/mixes/" + CLIENT, "{\"selfDb\":" + SELF_DB + "}")
                            .status());
                }
                hub.terminate(Duration.ofSeconds(20));
                assertTrue(hub.log().contains("Tutti hub stopped"), "SIGTERM stops the hub cleanly: " + hub.log());
            }
            assertEquals(0, ProcessRunner.run(root, AsRoot.command("test", "-s", state.resolve("hub-state.json")
                    .toString())).exitCode(), "the state is in the mounted directory");

            try (ExternalHub again = ExternalHub.start(runCommand(image, config, state, options), state, http)) {
                again.awaitHealthy(Duration.ofSeconds(60));
                try (JackTripClient client = join(tcp)) {
                    Analysis.ToneLevel level = heardBack(client);
                    assertEquals(TONE_DBFS + SELF_DB, level.dbfs(), 0.1,
                            "after a restart the client hears itself at the level set before: " + level);
                    assertEquals(SELF_DB, again.operator().get("/api/mixes/" + CLIENT).body().get("settings").get("selfDb")
                            .asDouble(), 1e-9, "the mix as the API shows it after the restart");
                }
                again.terminate(Duration.ofSeconds(20));
            }
            System.out.printf(Locale.ROOT, "ContainerImageIT: image %s, %.0f MB; bases and build %.0f s; from run to"
                            + " /api/health %.1f s, to the first client connected %.1f s%n", image, size / 1e6,
                    buildSeconds, healthy.toMillis() / 1000.0, firstClient.toMillis() / 1000.0);
        } finally {
            for (String container : CONTAINERS) {
                ProcessRunner.run(root, AsRoot.command("buildah", "rm", container));
            }
            ProcessRunner.run(root, AsRoot.command("podman", "rmi", "--force", image));
        }
    }

    /**
     * The image's own entrypoint (from its configuration, not a copy), with {@code options} in place of its
     * CMD, in a new working container with host networking and the state directory mounted.
     */
    private static List<String> runCommand(String image, JsonNode config, Path state, List<String> options)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("buildah", "run", "--isolation", "chroot", "--network", "host",
                "-v", state + ":" + config.get("Volumes").fieldNames().next(), newContainer(image), "--"));
        config.get("Entrypoint").forEach(part -> command.add(part.asText()));
        command.addAll(options);
        return AsRoot.command(command);
    }

    /** The state directory belongs to the image's user, as a named volume would. */
    private static void ownedByImageUser(String image, Path state) throws Exception {
        String ids = ProcessRunner.run(Path.of("."), AsRoot.command("buildah", "run", "--isolation", "chroot",
                newContainer(image), "--", "sh", "-c", "id -u; id -g")).output().strip();
        String[] uidGid = ids.split("\\s+");
        assertTrue(Integer.parseInt(uidGid[0]) != 0, "the image runs the hub as an unprivileged user");
        ProcessRunner.Result chown = ProcessRunner.run(Path.of("."), AsRoot.command("chown", uidGid[0] + ":" + uidGid[1],
                state.toString()));
        assertEquals(0, chown.exitCode(), chown.output());
    }

    /** A new working container of the image, removed after the test, as {@code podman run --rm} would. */
    private static String newContainer(String image) throws Exception {
        ProcessRunner.Result from = ProcessRunner.run(Path.of("."), AsRoot.command("buildah", "from", image));
        assertEquals(0, from.exitCode(), from.output());
        String container = lastLine(from.output());
        CONTAINERS.add(container);
        return container;
    }

    private static JackTripClient join(int tcp) throws Exception {
        return RealClients.client(tcp, CLIENT, RealClients.exactDepth("-n", "2", "-b", "16"));
    }

    /** The tone the client plays, as it comes back to it, over the windows its buffer left whole. */
    private static Analysis.ToneLevel heardBack(JackTripClient client) throws Exception {
        try (JackProbe probe = RealClients.probe(client, 1, Signal.sine(TONE_HZ, 0.5, RealClients.RATE))) {
            Thread.sleep(400); // through both buffers
            return Analysis.cleanToneLevel(probe.record(1500)[0], RealClients.RATE, TONE_HZ);
        }
    }

    private static String podman(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(arguments));
        ProcessRunner.Result result = ProcessRunner.run(Path.of("."), AsRoot.command(command));
        assertEquals(0, result.exitCode(), command + ": " + result.output());
        return result.output();
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}
