package org.tutti.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tutti.mixer.PatchMode;
import org.tutti.mixer.dsp.Concealment;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.HubInput;
import org.tutti.transport.Transport;
import picocli.CommandLine;

class CommandLineTest {

    @Test
    void defaultsAreJackTripsHubDefaults() {
        HubConfig config = Main.parse();
        assertEquals(4464, config.tcpPort());
        assertEquals(61002, config.udpBasePort());
        assertEquals(PatchMode.SERVER_TO_CLIENTS, config.patchMode());
        assertEquals(48000, config.sampleRate());
        assertEquals(128, config.periodFrames());
        assertEquals(4, config.queuePackets());
        assertEquals(Duration.ofSeconds(10), config.sessionTimeout());
        assertNull(config.requiredResolution(), "every resolution accepted");
    }

    @Test
    void theCommandLinesDefaultsAreTheBuildersEveryOne() {
        assertEquals(HubConfig.builder().build(), Main.parse(), "an option's default that is not the builder's");
        assertEquals(HubConfig.builder().build().sessionTimeout(), Main.parse("-t").sessionTimeout(), "-t alone");
    }

    /** What {@code --help} prints. */
    private static String help() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out));
        try {
            assertEquals(0, Main.run("--help"));
        } finally {
            System.setOut(original);
        }
        return out.toString();
    }

    @Test
    void helpShowsTheBuildersDefaults() {
        String help = help();
        assertTrue(help.contains("(default 10)"), "--timeout's default:\n" + help);
        assertTrue(help.contains("default 2"), "--queue-margin-ms's default:\n" + help);
    }

    @Test
    void jackTripOptionNamesKeepTheirMeaning() {
        HubConfig config = Main.parse("-S", "-o", "10", "-p", "4", "-i", "-u", "-q", "3", "-b", "24", "-t", "5", "-r", "2");
        assertEquals(4474, config.tcpPort(), "-o moves the TCP port");
        assertEquals(61012, config.udpBasePort(), "and the UDP base");
        assertEquals(PatchMode.FULL_MIX, config.patchMode());
        assertTrue(config.includeServer() && config.upmix());
        assertEquals(3, config.queuePackets());
        assertEquals(BitResolution.BIT24, config.requiredResolution());
        assertEquals(Duration.ofSeconds(5), config.sessionTimeout());
        assertEquals(2, config.sendRedundancy(), "-r: packets per datagram to every client");
        HubConfig ports = Main.parse("-B", "14464", "-U", "14500");
        assertEquals(14464, ports.tcpPort());
        assertEquals(14500, ports.udpBasePort());
        assertEquals(61002 + 36, Main.parse("-B", "4500").udpBasePort(), "-B alone moves the UDP base like -o");
    }

    @Test
    void redundancyIsAutoByDefaultAndRefusesWhatNoClientReads() {
        assertEquals(0, Main.parse().sendRedundancy(), "auto: each client gets what it sends");
        assertEquals(0, Main.parse("-r", "AUTO").sendRedundancy());
        assertEquals(4, Main.parse("--redundancy", "4").sendRedundancy());
        for (String bad : new String[] {"0", "5", "two"}) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> Main.parse("-r", bad));
            assertTrue(e.getMessage().contains("auto or 1..4"), e.getMessage());
        }
    }

    @Test
    void helpListsEveryOption() {
        String help = help();
        for (String option : new String[] {"--hubpatch", "--includeserver", "--upmix", "--queue", "--timeout",
            "--bindport", "--udpbaseport", "--offset", "--bitres", "--redundancy", "--config", "--hub-input"}) {
            assertTrue(help.contains(option), option + " missing from --help:\n" + help);
        }
    }

    @Test
    void configFileSetsDefaultsAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tutti.properties");
        Files.writeString(file, "hubpatch=2\nqueue=6\nudpbaseport=30000\nupmix=true\n");
        HubConfig fromFile = Main.parse("--config", file.toString());
        assertEquals(PatchMode.CLIENT_FAN_OUT_IN, fromFile.patchMode());
        assertEquals(6, fromFile.queuePackets());
        assertEquals(30000, fromFile.udpBasePort());
        assertTrue(fromFile.upmix());
        assertEquals(PatchMode.FULL_MIX, Main.parse("--config", file.toString(), "-p", "4").patchMode());
    }

    @Test
    void unknownKeyInTheConfigFileIsAnErrorNotIgnored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tutti.properties");
        Files.writeString(file, "hubpach=2\n");
        String error = runExpectingError(2, "--config", file.toString());
        assertTrue(error.contains("unknown setting 'hubpach'"), error);
    }

    @Test
    void badValuesAreRejectedWithTheReason(@TempDir Path dir) throws Exception {
        assertTrue(runExpectingError(2, "-p", "9").contains("patch mode must be 0..5"));
        assertTrue(runExpectingError(2, "-b", "12").contains("bit resolution must be 8, 16, 24 or 32"));
        assertTrue(runExpectingError(2, "-U", "65530", "--max-participants", "10").contains("past 65535"));
        assertTrue(runExpectingError(2, "--queue", "lots").contains("--queue"));
        assertTrue(runExpectingError(2, "-B", "14464").contains("lower --udpbaseport (-U)"),
                "as in JackTrip, a large offset without -U runs past 65535: say what to do");
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "period=7\n");
        assertTrue(runExpectingError(2, "--config", file.toString()).contains("period must be 16..4096"));
        assertTrue(runExpectingError(2, "--config", dir.resolve("missing").toString()).contains("bad config file"));
        assertThrows(CommandLine.ParameterException.class, () -> Main.parse("--hub-input", "tone:x"));
        assertTrue(runExpectingError(2, "--hub-input", "tone:30000").contains("below Nyquist"),
                "a tone the hub's rate cannot carry is refused before start-up");
        assertTrue(runExpectingError(2, "--concealment", "lpc").contains("concealment must be one of [silence, fade, burg]"));
        assertTrue(runExpectingError(2, "--transport", "dpdk").contains("transport must be auto, epoll, io_uring or nio"));
        assertTrue(runExpectingError(2, "--jack-engine", "threaded").contains("JACK engine must be one of [async, sync]"));
    }

    @Test
    void theJackEngineRunsOnItsOwnThreadUnlessAskedToRunInJacksCallback() {
        assertEquals("async", Main.parse("--jack").jackEngine());
        assertEquals("sync", Main.parse("--jack", "--jack-engine", "sync").jackEngine());
        assertEquals("async", Main.parse("--jack-engine", "ASYNC").jackEngine());
    }

    @Test
    void namedChoicesAreReadIntoTheirTypes() {
        HubConfig config = Main.parse("--concealment", "Fade", "--transport", "nio", "--hub-input", "tone:1000:-6");
        assertEquals(Concealment.FADE, config.concealment());
        assertEquals(Transport.NIO, config.transport());
        assertEquals(new HubInput.Tone(1000, -6), config.hubInput());
        assertEquals("tone:1000:-6", config.hubInput().spec(), "written back as it was given");
        assertEquals(new HubInput.Wav(Path.of("/tmp/a:b.wav")), HubInput.parse("wav:/tmp/a:b.wav"), "a path may hold ':'");
        assertEquals(Concealment.SILENCE, Main.parse("-z").concealment(), "JackTrip's -z");
        assertEquals(HubInput.SILENCE, Main.parse().hubInput());
    }

    private static String runExpectingError(int code, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err));
        try {
            assertEquals(code, Main.run(args), "exit code for " + String.join(" ", args));
        } finally {
            System.setErr(original);
        }
        return err.toString();
    }
}
