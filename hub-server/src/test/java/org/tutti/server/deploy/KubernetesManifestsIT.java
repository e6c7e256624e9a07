package org.tutti.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tutti.server.testing.ExternalTools;
import org.tutti.server.testing.ProcessRunner;
import org.tutti.server.testing.RepoFiles;
import org.tutti.server.testing.TempFiles;

/**
 * {@code deploy/kubernetes/room.yaml} passes {@code deploy/kubernetes/check}: each document against its
 * kind's schema from the Kubernetes OpenAPI, and no field its kind lacks. No cluster runs here and
 * {@code kubectl} cannot validate without one, so this is the offline check (see the README there).
 */
class KubernetesManifestsIT {
    private static final Path CHECK = RepoFiles.resolve("deploy/kubernetes/check");

    @BeforeAll
    static void install() throws Exception {
        ExternalTools.require("node", "nodejs");
        ExternalTools.require("npm", "npm");
        ProcessRunner.Result install = ProcessRunner.run(CHECK, List.of("npm", "ci", "--no-audit", "--no-fund"),
                Duration.ofMinutes(5));
        assertEquals(0, install.exitCode(), "npm ci: " + install.output());
    }

    @Test
    void theRoomPassesTheOfflineCheck() throws Exception {
        ProcessRunner.Result check = check(RepoFiles.resolve("deploy/kubernetes/room.yaml"));
        assertEquals(0, check.exitCode(), check.output());
        assertEquals(3, check.output().lines().filter(l -> l.endsWith(": valid")).count(),
                "the ConfigMap, the claim and the Deployment: " + check.output());
    }

    @Test
    void theCheckFindsAMisspelledFieldAndAWrongType() throws Exception {
        String room = Files.readString(RepoFiles.resolve("deploy/kubernetes/room.yaml"));
        assertTrue(room.contains("hostNetwork: true") && room.contains("replicas: 1"));
        Path copy = TempFiles.file("room", ".yaml");
        Files.writeString(copy, room.replace("hostNetwork: true", "hostNetwrok: true")
                .replace("replicas: 1", "replicas: \"one\""));
        ProcessRunner.Result check = check(copy);
        assertNotEquals(0, check.exitCode(), check.output());
        assertTrue(check.output().contains("spec.hostNetwrok: V1PodSpec has no such field"), check.output());
        assertTrue(check.output().contains("data/spec/replicas must be integer"), check.output());
    }

    private static ProcessRunner.Result check(Path manifest) throws Exception {
        return ProcessRunner.run(CHECK, List.of("node", "check.mjs", manifest.toString()));
    }
}
