package org.tutti.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.mixer.dsp.LevelMeters;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.jitter.JitterStats;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionEndReason;
import org.tutti.server.session.SessionListener;

/**
 * One set of series per streaming participant, labelled {@code participant=<name>}, added when they
 * join and removed when they leave. Every series reads counters the network and audio threads keep
 * in plain fields, so metrics cost the audio path nothing. At most {@code maxSeries} participants
 * get series (label cardinality stays bounded); the rest are counted in
 * {@code tutti_metrics_participants_unlabelled}.
 */
final class ParticipantMetrics implements SessionListener {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.metrics");

    private final MeterRegistry registry;
    private final HubEngine engine;
    private final KernelUdpDrops drops;
    private final int sampleRate;
    private final double periodSeconds;
    private final int maxSeries;
    private final Map<Participant, List<Meter>> meters = new HashMap<>();
    private final java.util.Set<Participant> unlabelled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ParticipantMetrics(MeterRegistry registry, HubEngine engine, KernelUdpDrops drops, int sampleRate,
                       int periodFrames, int maxSeries) {
        this.registry = registry;
        this.engine = engine;
        this.drops = drops;
        this.sampleRate = sampleRate;
        this.periodSeconds = (double) periodFrames / sampleRate;
        this.maxSeries = maxSeries;
        Gauge.builder("tutti.metrics.participants.unlabelled", unlabelled, java.util.Set::size)
                .description("Streaming participants without per-participant series (over the cardinality cap)")
                .register(registry);
    }

    @Override
    public void joined(Participant participant) {
        if (meters.size() >= maxSeries) {
            if (unlabelled.isEmpty()) {
                LOG.warn("more than {} participants: further ones get no per-participant series", maxSeries);
            }
            unlabelled.add(participant);
            return;
        }
        meters.put(participant, register(participant));
    }

    @Override
    public void left(Participant participant, SessionEndReason reason) {
        unlabelled.remove(participant);
        List<Meter> removed = meters.remove(participant);
        if (removed != null) {
            removed.forEach(registry::remove);
        }
    }

    @Override
    public void renamed(Participant participant, String oldName) {
        List<Meter> old = meters.remove(participant);
        if (old != null) {
            old.forEach(registry::remove);
            meters.put(participant, register(participant));
        }
    }

    private List<Meter> register(Participant p) {
        Tags tags = Tags.of("participant", p.name());
        List<Meter> list = new ArrayList<>();
        ParticipantStream stream = p.stream();
        JitterStats jitter = stream.jitter() == null ? new JitterStats() : stream.jitter().stats();
        list.add(counter("tutti.participant.datagrams.received", "Datagrams received on the participant's port",
                tags, p, x -> x.counters().datagrams()));
        list.add(counter("tutti.participant.received.bytes", "Bytes received on the participant's port", tags, p,
                x -> x.counters().bytes()));
        list.add(counter("tutti.participant.malformed.datagrams", "Datagrams dropped as malformed", tags, p,
                x -> x.counters().malformed()));
        list.add(counter("tutti.participant.foreign.datagrams",
                "Datagrams to the participant's port from another address (forged or stray), dropped unread", tags, p,
                x -> x.counters().foreignDatagrams()));
        list.add(counter("tutti.participant.packets.received", "Audio packets received (not counting redundancy)",
                tags, jitter, JitterStats::received));
        list.add(counter("tutti.participant.packets.sent", "Audio packets sent to the participant", tags, stream,
                s -> s.sender() == null ? 0 : s.sender().sent()));
        list.add(counter("tutti.participant.packets.unsent", "Periods with no packet for the participant because"
                + " the network thread was a whole ring of packets behind (the sequence number skips none)", tags,
                stream, s -> s.sender() == null ? 0 : s.sender().skipped()));
        list.add(counter("tutti.participant.socket.errors", "Sends or receives that failed on the participant's"
                + " socket (the packet is lost)", tags, p, x -> x.counters().socketErrors()));
        list.add(gauge("tutti.participant.send.redundancy", "Packets per datagram sent to the participant (the"
                + " newest and the ones before it, so the client recovers a lost datagram from the next)", null, tags,
                stream, s -> s.sender() == null ? 0 : s.sender().redundancy()));
        list.add(counter("tutti.participant.packets.lost", "Packets missing when their turn came (concealed)", tags,
                jitter, JitterStats::lost));
        list.add(counter("tutti.participant.packets.played", "Packets played from the jitter buffer", tags, jitter,
                JitterStats::played));
        list.add(counter("tutti.participant.packets.late", "Packets that arrived after their turn", tags, jitter,
                JitterStats::late));
        list.add(counter("tutti.participant.packets.out.of.order", "Packets that arrived after a newer one", tags,
                jitter, JitterStats::outOfOrder));
        list.add(counter("tutti.participant.packets.duplicate", "Duplicate packets", tags, jitter,
                JitterStats::duplicates));
        list.add(counter("tutti.participant.packets.recovered", "Packets recovered from redundancy", tags, jitter,
                JitterStats::recovered));
        list.add(counter("tutti.participant.packets.recovered.late", "Redundant copies of lost packets that came"
                + " after their time (concealed; a buffer about a packet deeper would have played them)", tags, jitter,
                JitterStats::recoveredLate));
        list.add(counter("tutti.participant.concealed.frames", "Audio frames concealed (not received in time)", tags,
                jitter, JitterStats::concealedFrames));
        list.add(counter("tutti.participant.gaps", "Gaps the hub concealed in the participant's audio, each"
                + " counted once however long (lost packets, a dry spell, a re-prime back to back): the dropouts a"
                + " listener hears", tags, jitter, JitterStats::gaps));
        list.add(counter("tutti.participant.underruns", "Periods in which the jitter buffer ran dry", tags, jitter,
                JitterStats::underruns));
        list.add(counter("tutti.participant.overruns", "Packets dropped because the jitter buffer held too much",
                tags, jitter, JitterStats::overruns));
        list.add(counter("tutti.participant.arrival.stalls", "Times the participant's packets stopped for 15 ms"
                + " or more and then came again (a stall of their machine, the path, or this hub's network"
                + " thread)", tags, jitter, JitterStats::arrivalStalls));
        list.add(counter("tutti.participant.time.losses", "Times the participant's packets came later for good:"
                + " their machine, audio interface or JACK server dropped cycles (or their path got longer)", tags,
                jitter, JitterStats::senderTimeLosses));
        list.add(gauge("tutti.participant.arrival.gap.longest", "Longest gap between two of the participant's"
                + " packets in sequence", "seconds", tags, jitter, j -> j.longestArrivalGapNanos() / 1e9));
        list.add(counter("tutti.participant.kernel.receive.drops", "Datagrams the kernel dropped on this"
                + " participant's socket (receive buffer full)", tags, p, x -> drops.forPort(x.udpPort())));
        list.add(gauge("tutti.participant.loss.ratio", "Lost / due packets since the session started (0-1)", null,
                tags, jitter, JitterStats::lossRatio));
        list.add(gauge("tutti.participant.jitter", "Interarrival jitter, RFC 3550", "seconds", tags, jitter,
                JitterStats::jitterSeconds));
        list.add(gauge("tutti.participant.jitter.buffer.depth", "Audio buffered ahead of the play position",
                "seconds", tags, jitter, j -> (double) j.depthFrames() / sampleRate));
        list.add(gauge("tutti.participant.added.latency", "Latency the hub adds: jitter-buffer depth plus one period",
                "seconds", tags, jitter, j -> (double) j.depthFrames() / sampleRate + periodSeconds));
        if (stream.reader() != null) {
            var reader = stream.reader();
            int clientRate = stream.format().sampleRate(sampleRate);
            list.add(gauge("tutti.participant.jitter.buffer.target", "Depth the jitter buffer holds (fixed, or"
                    + " following the arrival spread with -q auto)", "seconds", tags, reader,
                    r -> (double) r.targetFrames() / clientRate));
            list.add(gauge("tutti.participant.clock.drift.ratio", "How much faster the participant's sample clock"
                    + " runs than the hub's, as measured from arrivals (200 ppm = 0.0002)", null, tags, reader,
                    r -> r.buffer().drift().ppm() * 1e-6));
            list.add(gauge("tutti.participant.resampling", "1 while the participant's audio is resampled (drift"
                    + " correction or another sample rate), 0 while it passes through exactly", null, tags, reader,
                    r -> r.correcting() ? 1 : 0));
        }
        list.add(gauge("tutti.participant.peak.dbfs", "Peak level of the participant's audio (dBFS, -120 = silence)",
                null, tags, p, x -> level(engine.sourceMeters(), x.slot())));
        list.add(gauge("tutti.participant.mix.peak.dbfs", "Peak level of the participant's personal mix (dBFS)",
                null, tags, p, x -> level(engine.mixMeters(), x.slot())));
        return list;
    }

    private static double level(LevelMeters meters, int slot) {
        return Math.max(-120.0, meters.peakDbfs(slot));
    }

    private <T> Meter counter(String name, String help, Tags tags, T source, ToDoubleFunction<T> read) {
        return FunctionCounter.builder(name, source, read).description(help).tags(tags).register(registry);
    }

    private <T> Meter gauge(String name, String help, String unit, Tags tags, T source, ToDoubleFunction<T> read) {
        return Gauge.builder(name, source, read).description(help).baseUnit(unit).tags(tags).register(registry);
    }
}
