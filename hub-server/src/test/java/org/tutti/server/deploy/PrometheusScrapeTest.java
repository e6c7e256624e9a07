package org.tutti.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.jitter.JitterStats;
import org.tutti.server.testing.ExternalTools;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.RepoFiles;
import org.tutti.server.testing.TestHub;
import org.tutti.server.testing.TempFiles;
import org.tutti.testsupport.Ports;

/**
 * A real Prometheus server scrapes a hub while one participant's sender skips every 20th sequence
 * number; Prometheus must see that participant's loss at about 5%.
 */
class PrometheusScrapeTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void prometheusSeesFivePercentLossForAnImpairedSender() throws Exception {
        String prometheus = ExternalTools.require("prometheus", "prometheus");
        Path dir = TempFiles.directory("prometheus-test");
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.CLIENT_LOOPBACK);
                b.queuePackets(TestHub.STALL_PROOF_DEPTH); // counts the packets left out, not a stall's delays
            });
             FakeClient lossy = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "lossy")) {
            int port = Ports.freeTcp();
            Files.copy(RepoFiles.resolve("deploy/prometheus/tutti-alerts.yml"), dir.resolve("tutti-alerts.yml"));
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files: [tutti-alerts.yml]
                    scrape_configs:
                      - job_name: tutti
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(hub.hub().apiAddress().getPort()));
            Process server = new ProcessBuilder(prometheus, "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String base = "http://127.0.0.1:" + port;
                TestHub.await(Duration.ofSeconds(20), "prometheus ready", () -> ready(base));
                lossy.stream(375 * 12, i -> i % 20 == 13, 48000); // 12 s, 5% never sent

                // Lost are the 5 % never sent, plus any packet that came after its turn: on a busy machine the
                // test's own sender thread stalls now and then beyond the depth. The hub counts those as late
                // too, so they are attributed, not tolerated (a fresh-clone run once scraped 0.0565).
                double ratio = query(base, "tutti_participant_loss_ratio{participant=\"lossy\"}");
                JitterStats stats = hub.participant("lossy").stream().jitter().stats();
                double lateShare = (double) stats.late() / Math.max(1, stats.played() + stats.lost());
                assertEquals(0.05 + lateShare, ratio, 0.005, "loss-ratio gauge as scraped; hub: " + stats);
                double windowed = query(base, "(increase(tutti_participant_packets_lost_total{participant=\"lossy\"}[8s])"
                        + " - increase(tutti_participant_packets_late_total{participant=\"lossy\"}[8s]))"
                        + " / (increase(tutti_participant_packets_lost_total{participant=\"lossy\"}[8s])"
                        + " + increase(tutti_participant_packets_played_total{participant=\"lossy\"}[8s]))");
                assertEquals(0.05, windowed, 0.01, "loss not explained by late packets, last 8 s, from the counters; hub: "
                        + stats);
                double up = query(base, "up{job=\"tutti\"}");
                assertEquals(1.0, up);
            } finally {
                server.destroy();
                if (!server.waitFor(5, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }
    }

    private boolean ready(String base) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** The single value of an instant query. */
    private double query(String base, String promql) throws Exception {
        String url = base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode result = new ObjectMapper().readTree(response.body()).path("data").path("result");
        assertTrue(result.size() == 1, promql + " -> " + response.body());
        return result.get(0).get("value").get(1).asDouble();
    }
}
