package org.tutti.server.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.tutti.server.engine.AudioFormat;
import org.tutti.server.engine.PeriodTimings;
import org.tutti.server.state.StatePersister;

/**
 * The hub's own health for the operator's page, once a second (conductor thread): what a period
 * costs the engine against its length, late and skipped periods, and datagrams the kernel dropped,
 * each as totals and over the last call's interval; and whether every change of mixes, sections and
 * tokens is written to the state directory, and if not, since when and why.
 */
public final class HubHealth implements Supplier<Map<String, Object>> {
    private final PeriodTimings timings;
    private final LongSupplier kernelDrops;
    private final AudioFormat format;
    private final Supplier<StatePersister.Status> state;
    private long lastPeriods;
    private double lastProcessingSeconds;
    private long lastLate;
    private long lastDrops;

    public HubHealth(PeriodTimings timings, LongSupplier kernelDrops, AudioFormat format,
                     Supplier<StatePersister.Status> state) {
        this.timings = timings;
        this.state = state;
        this.kernelDrops = kernelDrops;
        this.format = format;
        this.lastPeriods = timings.periods();
        this.lastProcessingSeconds = timings.processingSumSeconds();
        this.lastLate = timings.latePeriods();
        this.lastDrops = kernelDrops.getAsLong();
    }

    @Override
    public Map<String, Object> get() {
        long periods = timings.periods();
        double processing = timings.processingSumSeconds();
        long late = timings.latePeriods();
        long drops = kernelDrops.getAsLong();
        long newPeriods = periods - lastPeriods;
        double costMicros = newPeriods > 0 ? (processing - lastProcessingSeconds) / newPeriods * 1e6 : 0;
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("periodMicros", Math.round(format.periodNanos() / 1e3));
        health.put("periodCostMicros", Math.round(costMicros * 10) / 10.0);
        health.put("periodCostShare", Math.round(costMicros * 1e3 / format.periodNanos() * 1000) / 1000.0);
        health.put("latePeriods", late);
        health.put("latePeriodsLastInterval", late - lastLate);
        health.put("skippedPeriods", timings.skippedPeriods());
        health.put("kernelDrops", drops);
        health.put("kernelDropsLastInterval", drops - lastDrops);
        StatePersister.Status saved = state.get();
        health.put("stateSaved", saved.saved());
        health.put("stateWriteFailures", saved.failures());
        if (!saved.saved()) {
            health.put("stateUnsavedSince", java.time.Instant.ofEpochMilli(saved.unsavedSinceMillis()).toString());
            health.put("stateError", saved.lastError());
        }
        lastPeriods = periods;
        lastProcessingSeconds = processing;
        lastLate = late;
        lastDrops = drops;
        return health;
    }

    /**
     * What anyone may learn from {@code GET /api/health}: "degraded" while changes are not saved (a
     * restart would lose them), with the count of failed writes; the reason, which names files, is
     * for the operator's page.
     */
    public static Map<String, Object> publicView(StatePersister.Status state) {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", state.saved() ? "ok" : "degraded");
        health.put("stateSaved", state.saved());
        health.put("stateWriteFailures", state.failures());
        return health;
    }
}
