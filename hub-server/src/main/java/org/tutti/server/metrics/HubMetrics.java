package org.tutti.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.tutti.server.api.ApiStats;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.engine.PeriodTimings;
import org.tutti.server.net.HandshakeStats;
import org.tutti.server.recording.Recorder;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionEndReason;
import org.tutti.server.session.SessionListener;
import org.tutti.server.session.SessionManager;
import org.tutti.server.state.StatePersister;
import org.tutti.server.web.LiveFeed;

/**
 * The hub's Prometheus metrics (Micrometer, simpleclient registry), served at {@code /metrics}:
 * per-participant series, engine period timing histograms, kernel UDP drops, handshakes, API
 * requests, sessions, and the JVM.
 */
public final class HubMetrics implements AutoCloseable {
    /** Participants beyond this many get no per-participant series. */
    public static final int DEFAULT_MAX_PARTICIPANT_SERIES = 512;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final KernelUdpDrops drops;
    private final AtomicInteger streaming = new AtomicInteger();
    private final java.util.Map<SessionEndReason, LongAdder> ended = new java.util.EnumMap<>(SessionEndReason.class);

    /**
     * @param live  the web pages' live feed counters, null without the control port
     * @param pages how many pages are open
     */
    public HubMetrics(HubConfig config, SessionManager sessions, HubEngine engine, PeriodTimings timings,
                      HandshakeStats handshakes, ApiStats api, LiveFeed.Stats live, IntSupplier pages) {
        drops = new KernelUdpDrops(config.udpBasePort(), config.udpBasePort() + config.maxParticipants() - 1);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        registry.getPrometheusRegistry().register(new EngineHistograms(timings));
        // An info-style series: which transport this hub's sockets use (the label), always 1.
        Gauge.builder("tutti.transport", () -> 1).tag("transport", config.transport().label())
                .description("The network transport of the hub's sockets (label transport: io_uring, epoll or nio)")
                .register(registry);
        Gauge.builder("tutti.participants", streaming, AtomicInteger::get)
                .description("Participants streaming audio").register(registry);
        FunctionCounter.builder("tutti.engine.periods", timings, PeriodTimings::periods)
                .description("Audio periods processed").register(registry);
        Gauge.builder("tutti.engine.realtime", timings, t -> t.realtime() ? 1 : 0)
                .description("1 if the engine thread got SCHED_FIFO (the embedded clock's, or JACK's engine thread"
                        + " with --jack-engine async); 0 with --jack-engine sync, where JACK's thread runs the engine")
                .register(registry);
        Gauge.builder("tutti.engine.idle", timings, t -> t.idle() ? 1 : 0)
                .description("1 while the embedded clock sleeps because nobody is connected (no periods run then)")
                .register(registry);
        FunctionCounter.builder("tutti.engine.idle.seconds", timings, PeriodTimings::idleSeconds)
                .description("Time the embedded clock slept because nobody was connected").register(registry);
        FunctionCounter.builder("tutti.engine.late.periods", timings, PeriodTimings::latePeriods)
                .description("Periods that started more than half a period after their deadline").register(registry);
        FunctionCounter.builder("tutti.engine.skipped.periods", timings, PeriodTimings::skippedPeriods)
                .description("Periods skipped because the engine fell far behind").register(registry);
        FunctionCounter.builder("tutti.engine.recovered.periods", timings, PeriodTimings::recoveredPeriods)
                .description("Periods a stall took, run afterwards (embedded clock: back to back; JACK: one extra"
                        + " per cycle) so the jitter buffers do not keep what piled up as latency")
                .register(registry);
        Gauge.builder("tutti.engine.owed.periods", timings, PeriodTimings::owedPeriods)
                .description("Periods a JACK stall took that the hub has still to run (one extra per cycle)")
                .register(registry);
        FunctionCounter.builder("tutti.jack.engine.late.cycles", timings, PeriodTimings::lateJackCycles)
                .description("JACK cycles in which the engine thread had not finished the cycle before"
                        + " (--jack-engine async): the hub's JACK ports carried silence in them").register(registry);
        FunctionCounter.builder("tutti.udp.kernel.receive.drops", drops, KernelUdpDrops::total)
                .description("Datagrams the kernel dropped on the hub's participant sockets (receive buffer full)")
                .register(registry);
        handshakeCounter(handshakes.accepted, "accepted");
        handshakeCounter(handshakes.refused, "refused");
        handshakeCounter(handshakes.authNotRequired, "auth_not_required");
        handshakeCounter(handshakes.garbage, "garbage");
        handshakeCounter(handshakes.timedOut, "timed_out");
        handshakeCounter(handshakes.overLimit, "over_limit");
        handshakeCounter(handshakes.errors, "error");
        handshakeCounter(handshakes.authRequired, "auth_required");
        handshakeCounter(handshakes.wrongCredentials, "wrong_credentials");
        handshakeCounter(handshakes.wrongTime, "wrong_time");
        handshakeCounter(handshakes.tlsFailed, "tls_failed");
        handshakeCounter(handshakes.authBusy, "auth_busy");
        if (api != null) {
            apiCounter(api.ok, "ok");
            apiCounter(api.clientErrors, "client_error");
            apiCounter(api.unauthorized, "unauthorized");
            apiCounter(api.serverErrors, "server_error");
            FunctionCounter.builder("tutti.api.tls.failures", api.tlsFailures, LongAdder::sum)
                    .description("TLS handshakes on the control port that failed or timed out").register(registry);
        }
        if (live != null) {
            // Held strongly: Micrometer keeps a gauge's object weakly, and nothing else holds this lambda.
            Gauge.builder("tutti.web.pages", pages, IntSupplier::getAsInt).strongReference(true)
                    .description("Web pages open with a live connection").register(registry);
            FunctionCounter.builder("tutti.web.messages", live.framesSent, LongAdder::sum)
                    .description("Live messages sent to pages, by outcome").tag("outcome", "sent").register(registry);
            FunctionCounter.builder("tutti.web.messages", live.framesSkipped, LongAdder::sum)
                    .description("Live messages sent to pages, by outcome")
                    .tag("outcome", "skipped_slow_page").register(registry);
            FunctionCounter.builder("tutti.web.pages.refused", live.refused, LongAdder::sum)
                    .description("Pages refused because too many were open").register(registry);
        }
        for (SessionEndReason reason : SessionEndReason.values()) {
            LongAdder count = new LongAdder();
            ended.put(reason, count);
            FunctionCounter.builder("tutti.sessions.ended", count, LongAdder::sum)
                    .description("Sessions ended, by reason").tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        sessions.addListener(new SessionListener() {
            @Override
            public void joined(Participant participant) {
                streaming.incrementAndGet();
            }

            @Override
            public void left(Participant participant, SessionEndReason reason) {
                if (participant.streamingSinceMillis() > 0) {
                    streaming.decrementAndGet();
                }
                ended.get(reason).increment();
            }
        });
        sessions.addListener(new ParticipantMetrics(registry, engine, drops, config.sampleRate(),
                config.periodFrames(), DEFAULT_MAX_PARTICIPANT_SERIES));
    }

    /** JackTrip 2.x's OSC latency query: requests by outcome. */
    public void osc(org.tutti.server.osc.OscControlServer.Stats stats) {
        FunctionCounter.builder("tutti.osc.requests", stats.answered, LongAdder::sum)
                .description("OSC control requests (UDP 127.0.0.1 at the TCP port), by outcome").tag("outcome", "answered")
                .register(registry);
        FunctionCounter.builder("tutti.osc.requests", stats.ignored, LongAdder::sum)
                .description("OSC control requests (UDP 127.0.0.1 at the TCP port), by outcome").tag("outcome", "ignored")
                .register(registry);
        FunctionCounter.builder("tutti.osc.requests", stats.malformed, LongAdder::sum)
                .description("OSC control requests (UDP 127.0.0.1 at the TCP port), by outcome").tag("outcome", "malformed")
                .register(registry);
    }

    /** Takes, what they wrote and dropped, and failures. */
    public void recording(Recorder recorder) {
        Gauge.builder("tutti.recording.active", recorder, r -> r.recording() ? 1 : 0)
                .description("1 while a take is recording").register(registry);
        FunctionCounter.builder("tutti.recording.takes", recorder, Recorder::takes)
                .description("Takes started").register(registry);
        FunctionCounter.builder("tutti.recording.written.bytes", recorder, Recorder::bytesWritten)
                .description("Bytes of WAV files written by takes").register(registry);
        FunctionCounter.builder("tutti.recording.dropped.frames", recorder, Recorder::droppedFrames)
                .description("Frames a take could not keep because its writer fell behind (silence in their place)")
                .register(registry);
        FunctionCounter.builder("tutti.recording.failures", recorder, Recorder::failures)
                .description("Takes stopped because their files could not be written").register(registry);
    }

    /** Failed writes of the state directory, and whether changes are waiting to be written. */
    public void stateWrites(StatePersister persister) {
        FunctionCounter.builder("tutti.state.write.failures", persister, StatePersister::failures)
                .description("Failed writes of the state file (mixes, sections, tokens); each is retried until one"
                        + " succeeds").register(registry);
        Gauge.builder("tutti.state.unsaved", persister, p -> p.status().saved() ? 0 : 1)
                .description("1 while changes to mixes, sections or tokens are not written to the state directory"
                        + " (a restart now would lose them)").register(registry);
    }

    private void handshakeCounter(LongAdder adder, String outcome) {
        FunctionCounter.builder("tutti.handshakes", adder, LongAdder::sum).description("TCP handshakes, by outcome")
                .tag("outcome", outcome).register(registry);
    }

    private void apiCounter(LongAdder adder, String outcome) {
        FunctionCounter.builder("tutti.api.requests", adder, LongAdder::sum)
                .description("Control API requests, by outcome").tag("outcome", outcome).register(registry);
    }

    /** Datagrams the kernel dropped on the hub's participant sockets since it started. */
    public long kernelDrops() {
        return drops.total();
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
