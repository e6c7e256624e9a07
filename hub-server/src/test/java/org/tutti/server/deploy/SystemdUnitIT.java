package org.tutti.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import org.tutti.testsupport.Ports;

/**
 * {@code deploy/systemd/tutti.service} as systemd would run it: its {@code ExecStart} word for word (JVM
 * flags and options, from the unit file, not a copy), as an unprivileged user with the unit's niceness
 * and, where this machine lets them be raised, its limits; the configuration file it names, with only
 * the ports changed to free ones; a real client joining and hearing itself (the file's full mix), and a
 * SIGTERM stop that the unit counts as a success. There is no systemd to start it here (the machine's
 * PID 1 is not systemd), so the test does what the unit's settings say.
 */
class SystemdUnitIT {
    private static final String UNIT = "deploy/systemd/tutti.service";
    private static final String JAR = "/opt/tutti/tutti.jar";
    private static final String CONFIG = "/etc/tutti/tutti.properties";
    private static final String STATE = "/var/lib/tutti";
    /** nobody: the unit's own user is made at install time, which a test does not do to its machine. */
    private static final int UNPRIVILEGED = 65534;

    @Test
    void theUnitFilePassesSystemdsOwnCheck() throws Exception {
        ExternalTools.require("systemd-analyze", "systemd");
        ProcessRunner.Result verify = ProcessRunner.run(RepoFiles.root(),
                List.of("systemd-analyze", "verify", RepoFiles.resolve(UNIT).toString()));
        // verify exits 0 after "Unknown key … ignoring" and the like: any word from it is a finding.
        assertEquals(0, verify.exitCode(), verify.output());
        assertEquals("", verify.output().strip(), "systemd-analyze verify has nothing to say");
    }

    @Test
    void theHubRunsAsTheUnitSaysAndStopsCleanly() throws Exception {
        ExternalTools.require("setpriv", "util-linux");
        ExternalTools.require("prlimit", "util-linux");
        SystemdUnit unit = SystemdUnit.read(RepoFiles.resolve(UNIT));
        Path state = TempFiles.directory("tutti-systemd-state");
        // Where the unit's install lines put the jar: a copy the unprivileged user can read.
        Path opt = TempFiles.directory("tutti-opt");
        Path jar = Files.copy(Path.of(System.getProperty("tutti.jar")), opt.resolve("tutti.jar"));
        Files.setPosixFilePermissions(opt, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        int tcp = Ports.freeTcp();
        int http = Ports.freeTcp();
        Path config = portsChanged(RepoFiles.resolve("deploy/systemd/tutti.properties"), state, Map.of(
                "bindport", tcp, "udpbaseport", Ports.freeUdpRange(32), "http-port", http));

        List<String> execStart = new ArrayList<>();
        for (String word : unit.execStart()) {
            execStart.add(word.replace(JAR, jar.toString()).replace(CONFIG, config.toString())
                    .replace(STATE, state.toString()));
        }
        assertTrue(unit.execStart().containsAll(List.of("-jar", JAR, "--config", CONFIG)),
                "the unit runs the jar where its install lines put it, with the configuration file: " + execStart);
        assertEquals(STATE, unit.get("WorkingDirectory"));
        assertEquals(STATE, unit.get("ReadWritePaths"), "the hub may write only its state directory");

        List<String> command = new ArrayList<>(limits(unit));
        command.addAll(List.of("nice", "-n", unit.get("Nice"), "setpriv", "--reuid=" + UNPRIVILEGED,
                "--regid=" + UNPRIVILEGED, "--clear-groups"));
        if (unit.get("NoNewPrivileges").equals("true")) {
            command.add("--no-new-privs");
        }
        command.add("--");
        command.addAll(execStart);
        // WorkingDirectory, and the home of the unit's user, is the state directory.
        command.addAll(0, List.of("env", "--chdir=" + state, "HOME=" + state));
        ProcessRunner.Result chown = ProcessRunner.run(opt, AsRoot.command("chown", UNPRIVILEGED + ":" + UNPRIVILEGED,
                state.toString()));
        assertEquals(0, chown.exitCode(), chown.output());
        try (ExternalHub hub = ExternalHub.start(AsRoot.command(command), state, http)) {
            hub.awaitHealthy(Duration.ofSeconds(60));
            assertEquals(UNPRIVILEGED, uidOf(hub.hubProcess().pid()), "the hub runs unprivileged");
            try (JackTripClient client = RealClients.client(tcp, "dave", RealClients.exactDepth("-n", "2", "-b", "16"));
                 JackProbe probe = RealClients.probe(client, 1, Signal.sine(440, 0.5, RealClients.RATE))) {
                Thread.sleep(400); // through both buffers
                Analysis.ToneLevel level = Analysis.cleanToneLevel(probe.record(1500)[0], RealClients.RATE, 440);
                assertTrue(level.cleanWindows() > 0 && level.dbfs() > -20,
                        "the client hears itself in the file's full mix: " + level + "; hub log: " + hub.log());
                assertTrue(hub.metrics().contains("tutti_participants 1.0"), "/metrics counts the client");
            }
            int exit = hub.terminate(Duration.ofSeconds(Long.parseLong(unit.get("TimeoutStopSec"))));
            List<String> success = new ArrayList<>(List.of("0"));
            success.addAll(Arrays.asList(unit.service().getOrDefault("SuccessExitStatus", "").split("\\s+")));
            assertEquals("SIGTERM", unit.get("KillSignal"));
            assertTrue(success.contains(Integer.toString(exit)), "exit " + exit + " after SIGTERM is a success for the"
                    + " unit (SuccessExitStatus " + success + "), so systemctl stop does not mark it failed");
            assertTrue(hub.log().contains("Tutti hub stopped"), hub.log());
        }
    }

    /**
     * The unit's LimitRTPRIO and LimitNOFILE, when this machine lets root raise them (a container without
     * CAP_SYS_RESOURCE does not; the hub then warns that it runs without real-time priority).
     */
    private static List<String> limits(SystemdUnit unit) throws Exception {
        List<String> prlimit = List.of("prlimit", "--rtprio=" + unit.get("LimitRTPRIO") + ":" + unit.get("LimitRTPRIO"),
                "--nofile=" + unit.get("LimitNOFILE") + ":" + unit.get("LimitNOFILE"), "--");
        List<String> probe = new ArrayList<>(prlimit);
        probe.add("true");
        if (ProcessRunner.run(Path.of("."), AsRoot.command(probe)).exitCode() == 0) {
            return prlimit;
        }
        System.out.println("SystemdUnitIT: this machine does not let root raise RLIMIT_RTPRIO/RLIMIT_NOFILE;"
                + " the hub runs with the limits it has");
        return List.of();
    }

    /** A copy of the unit's configuration file with the given keys changed, readable by the hub's user. */
    private static Path portsChanged(Path original, Path directory, Map<String, Integer> changes) throws Exception {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(original)) {
            properties.load(in);
        }
        for (var change : changes.entrySet()) {
            assertTrue(properties.containsKey(change.getKey()), "the file sets " + change.getKey());
            properties.setProperty(change.getKey(), Integer.toString(change.getValue()));
        }
        Path copy = directory.resolve("tutti.properties");
        try (var out = Files.newBufferedWriter(copy)) {
            properties.store(out, "deploy/systemd/tutti.properties with free ports");
        }
        return copy;
    }

    private static int uidOf(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.split("\\s+")[1]);
            }
        }
        throw new IllegalStateException("no Uid in /proc/" + pid + "/status");
    }
}
