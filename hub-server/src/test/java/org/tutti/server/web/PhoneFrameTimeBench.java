package org.tutti.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.Browser;

/**
 * How smooth a singer's page is on a mid-range phone with a whole choir streaming: Chromium at a
 * 360×740 viewport with its CPU slowed 4× (DevTools' CPU throttling), the page of one of the hub's
 * participants, every other participant's meter moving. Measures for {@code tutti.bench.seconds}:
 * the interval between animation frames (what the page paints at), the main thread's busy share
 * from Chromium's own performance counters (Performance.getMetrics: task, script, layout, style,
 * and the rest of the tasks' time), and long tasks (over 50 ms). {@code -Dtutti.bench.throttle=1}
 * runs it unthrottled, to tell the page's own work from the throttling's. Run by bench/pages.sh against a hub it started
 * ({@code -Dtutti.bench.url=… -Dtutti.bench.token=… -Dtutti.bench.participant=…}); writes
 * target/phone-frames.md. It measures; it does not pass or fail on a figure.
 */
@Tag("pages")
class PhoneFrameTimeBench {

    @Test
    void singersPageWithAWholeChoir() throws Exception {
        String url = System.getProperty("tutti.bench.url");
        String token = System.getProperty("tutti.bench.token");
        String participant = System.getProperty("tutti.bench.participant");
        double seconds = Double.parseDouble(System.getProperty("tutti.bench.seconds", "20"));
        int throttle = Integer.getInteger("tutti.bench.throttle", 4);
        ApiClient operator = new ApiClient(url, token);
        var link = operator.post("/api/participants/" + participant + "/link", "{\"base\":\"" + url + "\"}");
        assertEquals(200, link.status(), link.text());
        int participants = operator.get("/api/participants").body().size();
        try (Browser browser = Browser.open(360, 740)) {
            browser.driver().get(link.body().path("url").asText());
            browser.waiting(Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector(".row[data-name]")).size()
                    >= participants - 1);
            browser.cdp("Performance.enable", Map.of());
            browser.cdp("Emulation.setCPUThrottlingRate", Map.of("rate", throttle));
            Thread.sleep(2000); // settle at the throttled speed
            browser.script("""
                    window.benchFrames = [];
                    window.benchLongTasks = [];
                    new PerformanceObserver((list) => {
                      for (const entry of list.getEntries()) { window.benchLongTasks.push(entry.duration); }
                    }).observe({ type: 'longtask', buffered: false });
                    let last = performance.now();
                    const frame = (now) => {
                      window.benchFrames.push(now - last);
                      last = now;
                      if (!window.benchStop) { requestAnimationFrame(frame); }
                    };
                    requestAnimationFrame(frame);""");
            Map<String, Number> before = metrics(browser);
            Thread.sleep((long) (seconds * 1000));
            Map<String, Number> after = metrics(browser);
            browser.script("window.benchStop = true;");
            @SuppressWarnings("unchecked")
            List<Number> frames = (List<Number>) browser.script("return window.benchFrames.slice(1);");
            @SuppressWarnings("unchecked")
            List<Number> longTasks = (List<Number>) browser.script("return window.benchLongTasks;");
            double[] sorted = frames.stream().mapToDouble(Number::doubleValue).sorted().toArray();
            double elapsed = after.get("Timestamp").doubleValue() - before.get("Timestamp").doubleValue();
            double task = share(before, after, "TaskDuration", elapsed);
            double script = share(before, after, "ScriptDuration", elapsed);
            // The rest of the main thread's tasks: painting the canvases, compositing, garbage collection.
            double layoutAndStyle = share(before, after, "LayoutDuration", elapsed)
                    + share(before, after, "RecalcStyleDuration", elapsed);
            String report = String.format(Locale.ROOT, """
                    | participants | viewport, CPU | frames/s | frame interval p50 / p95 / p99 / max | frames over 33 ms | main thread busy (script, layout+style, rest) | long tasks |
                    |---|---|---|---|---|---|---|
                    | %d | 360×740, %d× slower | %.1f | %.1f / %.1f / %.1f / %.1f ms | %.1f %% | %.0f %% (%.0f %%, %.0f %%, %.0f %%) | %d (longest %.0f ms) |
                    """, participants, throttle, sorted.length / elapsed, quantile(sorted, 0.5), quantile(sorted, 0.95),
                    quantile(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1],
                    100.0 * java.util.Arrays.stream(sorted).filter(f -> f > 33.4).count() / Math.max(1, sorted.length),
                    task, script, layoutAndStyle, task - script - layoutAndStyle,
                    longTasks.size(), longTasks.stream().mapToDouble(Number::doubleValue).max().orElse(0));
            Files.writeString(Path.of("target", "phone-frames.md"), report);
            System.out.println(report);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Number> metrics(Browser browser) {
        Map<String, Object> result = browser.cdp("Performance.getMetrics", Map.of());
        Map<String, Number> byName = new java.util.HashMap<>();
        for (Map<String, Object> metric : (List<Map<String, Object>>) result.get("metrics")) {
            byName.put((String) metric.get("name"), (Number) metric.get("value"));
        }
        return byName;
    }

    private static double share(Map<String, Number> before, Map<String, Number> after, String name, double seconds) {
        return 100 * (after.get(name).doubleValue() - before.get(name).doubleValue()) / seconds;
    }

    private static double quantile(double[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
