package org.tutti.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.ExternalTools;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.ProcessRunner;
import org.tutti.server.testing.RepoFiles;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/** The shipped Prometheus configuration, alert rules and Grafana dashboard are valid and match the hub. */
class PrometheusFilesTest {
    private static final Path PROMETHEUS = RepoFiles.resolve("deploy/prometheus");

    private static ProcessRunner.Result promtool(String... args) throws Exception {
        String promtool = ExternalTools.require("promtool", "prometheus");
        List<String> command = new java.util.ArrayList<>(List.of(promtool));
        command.addAll(List.of(args));
        return ProcessRunner.run(PROMETHEUS, command);
    }

    @Test
    void promtoolAcceptsTheConfigurationAndRules() throws Exception {
        ProcessRunner.Result config = promtool("check", "config", "prometheus.yml");
        assertEquals(0, config.exitCode(), config.output());
        ProcessRunner.Result rules = promtool("check", "rules", "tutti-alerts.yml");
        assertEquals(0, rules.exitCode(), rules.output());
    }

    @Test
    void alertRulesPassTheirUnitTests() throws Exception {
        ProcessRunner.Result test = promtool("test", "rules", "tutti-alerts.test.yml");
        assertEquals(0, test.exitCode(), test.output());
        assertTrue(test.output().contains("SUCCESS"), test.output());
    }

    @Test
    void everyMetricTheRulesAndDashboardUseIsOneTheHubExports() throws Exception {
        Set<String> used = new TreeSet<>();
        collect(Files.readString(PROMETHEUS.resolve("tutti-alerts.yml")), used);
        JsonNode dashboard = new ObjectMapper().readTree(RepoFiles.resolve("deploy/grafana/tutti-dashboard.json").toFile());
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                collect(target.get("expr").asText(), used);
            }
        }
        assertTrue(used.size() > 10, "found " + used);
        try (TestHub hub = TestHub.start(b -> { });
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "x")) {
            client.sendSilence(3);
            TestHub.await(Duration.ofSeconds(2), "streaming", () -> hub.participant("x") != null
                    && hub.participant("x").state() == Participant.State.STREAMING);
            System.gc(); // GC pause timers appear with the first collection
            Thread.sleep(200);
            String scrape = new ApiClient(hub.apiUrl(), null).get("/metrics").text();
            for (String name : used) {
                String family = name.replaceAll("_(bucket|sum|count)$", "");
                assertTrue(scrape.contains("# TYPE " + name + " ") || scrape.contains("# TYPE " + family + " "),
                        "the hub does not export " + name);
            }
        }
    }

    /** Metric names in a PromQL text: tutti_… and the few standard ones we rely on. */
    private static void collect(String text, Set<String> names) {
        Matcher m = Pattern.compile("\\b((?:tutti|jvm|process)_[a-z0-9_]+)").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
    }
}
