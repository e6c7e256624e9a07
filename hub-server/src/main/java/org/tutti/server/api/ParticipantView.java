package org.tutti.server.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tutti.mixer.dsp.LevelMeters;
import org.tutti.protocol.udp.SampleRate;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.jitter.JitterStats;
import org.tutti.server.session.Participant;

/** A participant as the API shows it: identity, format and live statistics. */
final class ParticipantView {
    private ParticipantView() {
    }

    static Map<String, Object> of(Participant participant, HubEngine engine, int sampleRate, boolean withAddress) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", participant.name());
        view.put("state", participant.state().name().toLowerCase(java.util.Locale.ROOT));
        if (withAddress) {
            view.put("address", participant.address() == null ? null
                    : participant.address().getAddress().getHostAddress() + ":" + participant.address().getPort());
            view.put("udpPort", participant.udpPort());
            view.put("slot", participant.slot());
        }
        if (participant.streamingSinceMillis() > 0) {
            view.put("since", Instant.ofEpochMilli(participant.streamingSinceMillis()).toString());
        }
        ParticipantStream stream = participant.stream();
        if (stream != null) {
            Map<String, Object> format = new LinkedHashMap<>();
            format.put("bits", stream.format().resolution().bits());
            SampleRate rate = SampleRate.fromCode(stream.format().rateCode());
            format.put("sampleRate", rate == null ? null : rate.hertz());
            format.put("framesPerPacket", stream.format().framesPerPacket());
            format.put("channelsSent", stream.format().channelsSent());
            format.put("channelsReceived", stream.format().channelsWanted());
            view.put("format", format);
            view.put("stats", stats(participant, stream, engine, sampleRate));
        }
        return view;
    }

    private static Map<String, Object> stats(Participant participant, ParticipantStream stream, HubEngine engine,
                                             int sampleRate) {
        Map<String, Object> stats = new LinkedHashMap<>();
        var counters = participant.counters();
        stats.put("datagramsReceived", counters.datagrams());
        stats.put("malformed", counters.malformed());
        stats.put("foreignDatagrams", counters.foreignDatagrams());
        stats.put("packetsSent", stream.sender() == null ? 0 : stream.sender().sent());
        stats.put("sendRedundancy", stream.sender() == null ? 0 : stream.sender().redundancy());
        JitterStats jitter = stream.jitter() == null ? null : stream.jitter().stats();
        if (jitter != null) {
            stats.put("packetsReceived", jitter.received());
            stats.put("lost", jitter.lost());
            stats.put("late", jitter.late());
            stats.put("outOfOrder", jitter.outOfOrder());
            stats.put("duplicates", jitter.duplicates());
            stats.put("recovered", jitter.recovered());
            stats.put("recoveredLate", jitter.recoveredLate());
            stats.put("underruns", jitter.underruns());
            stats.put("overruns", jitter.overruns());
            stats.put("arrivalStalls", jitter.arrivalStalls());
            stats.put("timeLosses", jitter.senderTimeLosses());
            stats.put("longestArrivalGapMs", round(jitter.longestArrivalGapNanos() / 1e6, 3));
            stats.put("concealedFrames", jitter.concealedFrames());
            stats.put("gaps", jitter.gaps());
            stats.put("lossRatio", round(jitter.lossRatio(), 6));
            stats.put("jitterMs", round(jitter.jitterSeconds() * 1000, 3));
            stats.put("bufferMs", round(jitter.depthFrames() * 1000.0 / sampleRate, 3));
            stats.put("levelDbfs", db(engine.sourceMeters(), participant.slot()));
        }
        if (stream.sender() != null) {
            stats.put("mixLevelDbfs", db(engine.mixMeters(), participant.slot()));
        }
        return stats;
    }

    private static Double db(LevelMeters meters, int slot) {
        double value = meters.peakDbfs(slot);
        return Double.isInfinite(value) ? null : round(value, 1);
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
