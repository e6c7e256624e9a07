package org.tutti.server.metrics;

import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import org.tutti.server.engine.PeriodTimings;

/**
 * Exposes the engine's period timings as two Prometheus histograms. The audio thread counts into
 * plain bucket arrays ({@link PeriodTimings}); this collector reads them at scrape time, so the
 * audio path never touches a lock or a meter registry.
 */
final class EngineHistograms extends Collector {
    private final PeriodTimings timings;

    EngineHistograms(PeriodTimings timings) {
        this.timings = timings;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        long[] lateness = new long[PeriodTimings.bucketCount()];
        long[] processing = new long[PeriodTimings.bucketCount()];
        timings.latenessBuckets(lateness);
        timings.processingBuckets(processing);
        List<MetricFamilySamples> families = new ArrayList<>();
        families.add(histogram("tutti_engine_period_start_lateness_seconds",
                "How late each audio period started after its deadline", lateness, timings.latenessSumSeconds()));
        families.add(histogram("tutti_engine_period_processing_seconds",
                "Time the engine spent on each audio period (jitter buffers, mix, encode)", processing,
                timings.processingSumSeconds()));
        return families;
    }

    private static MetricFamilySamples histogram(String name, String help, long[] counts, double sum) {
        double[] bounds = PeriodTimings.boundsSeconds();
        List<MetricFamilySamples.Sample> samples = new ArrayList<>();
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i];
            String le = i < bounds.length ? doubleToGoString(bounds[i]) : "+Inf";
            samples.add(new MetricFamilySamples.Sample(name + "_bucket", List.of("le"), List.of(le), cumulative));
        }
        samples.add(new MetricFamilySamples.Sample(name + "_count", List.of(), List.of(), cumulative));
        samples.add(new MetricFamilySamples.Sample(name + "_sum", List.of(), List.of(), sum));
        return new MetricFamilySamples(name, Type.HISTOGRAM, help, samples);
    }
}
