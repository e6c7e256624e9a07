package org.tutti.loadgen;

import java.nio.ByteBuffer;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.Redundancy;

/**
 * Checks every datagram a hub sends back: exit packets, framing, sequence numbers (every redundancy
 * slot), then the audio of each packet that is played. Like a JackTrip client without a jitter
 * buffer, a packet is played only if it is newer than the last one played, so loss and reordering
 * on the way back become audible gaps. One instance per receiving thread; never allocates.
 */
final class ReceiveAnalyzer {
    /** Consecutive exact ramp samples needed before the check starts (skips the hub's initial silence). */
    static final int LOCK_RUN = 16;
    /** Consecutive exact samples that end a gap. */
    static final int RECOVER_RUN = 32;

    private final LoadConfig config;
    private final Signal signal;
    private final Markers markers;
    private final ThreadStats stats;
    private final PacketHeader header = new PacketHeader();
    private final float[] samples = new float[65536];
    private final long periodNanos;
    private final long playoutNanos;

    ReceiveAnalyzer(LoadConfig config, Signal signal, Markers markers, ThreadStats stats) {
        this.config = config;
        this.periodNanos = Math.round(config.periodNanos());
        this.playoutNanos = config.playoutPackets() * periodNanos;
        this.signal = signal;
        this.markers = markers;
        this.stats = stats;
    }

    ThreadStats stats() {
        return stats;
    }

    void onDatagram(SimClient client, ByteBuffer buffer, int offset, int length, long now) {
        client.datagramsReceived++;
        client.bytesReceived += length;
        if (client.firstReceiveNanos == 0) {
            client.firstReceiveNanos = now;
        }
        client.previousReceiveNanos = client.lastReceiveNanos;
        client.lastReceiveNanos = now;
        if (ExitPacket.isControlLength(length)) {
            if (ExitPacket.isExit(buffer, offset, length)) {
                client.exitsReceived++;
                if (client.state == SimClient.STREAMING) {
                    client.state = SimClient.HUB_EXIT;
                    client.endedByHub = true;
                }
            } else {
                client.malformed++;
            }
            return;
        }
        if (length < PacketHeader.LENGTH) {
            client.malformed++;
            return;
        }
        header.wrap(buffer, offset);
        int packetSize = PacketLayout.declaredPacketSize(header);
        int slots = packetSize <= 0 ? 0 : Redundancy.slotCount(length, packetSize);
        if (slots == 0) {
            client.malformed++;
            return;
        }
        stats.sync();
        // Oldest slot first, so packets recovered from redundancy are played in order.
        for (int slot = slots - 1; slot >= 0; slot--) {
            int at = offset + Redundancy.slotOffset(slot, packetSize);
            header.wrap(buffer, at);
            if (slot > 0 && Redundancy.isEmptySlot(header)) {
                continue;
            }
            long index = client.sequences.accept(header.sequenceNumber(), slot > 0);
            if (index == SequenceTracker.REJECTED) {
                continue;
            }
            if (slot > 0) {
                client.revived++;
            }
            if (index > client.lastPlayed) {
                client.lastPlayed = index;
                client.packetsPlayed++;
                playout(client, index, now);
                play(client, buffer, at, now);
            }
        }
    }

    /**
     * A client's playout buffer, simulated: packet {@code index} is due {@code playout} periods after
     * the schedule set by the earliest-arriving packet so far (hub and clients share this machine's
     * clock, so the schedule does not drift). A packet later than that is an underrun the listener
     * hears even when nothing was lost (a stalled hub that catches up in a burst); the schedule then
     * restarts from it, as a jitter buffer re-primes.
     */
    void playout(SimClient client, long index, long now) {
        if (client.playAnchorNanos == 0) {
            client.playAnchorNanos = now;
            client.playAnchorIndex = index;
            return;
        }
        long due = client.playAnchorNanos + (index - client.playAnchorIndex) * periodNanos;
        if (now <= due) {
            client.playAnchorNanos = now;
            client.playAnchorIndex = index;
            client.playLate = false;
        } else if (now - due > playoutNanos) {
            if (!client.playLate) {
                client.underruns++;
                client.playLate = true;
            }
            client.playAnchorNanos = now;
            client.playAnchorIndex = index;
        } else {
            client.playLate = false;
        }
    }

    private void play(SimClient client, ByteBuffer buffer, int at, long now) {
        if (config.expect() == Expectation.NONE) {
            return;
        }
        header.wrap(buffer, at);
        BitResolution resolution = BitResolution.fromBits(header.bitResolution());
        int frames = header.bufferSize();
        if (resolution == null || header.channelsCarried() == 0 || frames == 0) {
            return;
        }
        int channel0 = at + PacketLayout.channelOffset(0, frames, resolution.bytesPerSample());
        if (config.expect() == Expectation.LOOPBACK) {
            if (!rampContinues(client, buffer, channel0, frames, resolution, now)) {
                resolution.decode(buffer, channel0, frames, samples, 0);
                checkRamp(client, frames, now);
            }
        } else {
            resolution.decode(buffer, channel0, frames, samples, 0);
            checkMix(client, frames, now);
        }
    }

    /**
     * Fast path of the ramp check: while the stream is clean, a packet that continues the ramp is
     * byte-for-byte a slice of the encoded ramp table. Returns false when the slow check must decide.
     */
    private boolean rampContinues(SimClient client, ByteBuffer buffer, int channel0, int frames,
                                  BitResolution resolution, long now) {
        if (!client.rampLocked || client.inGap || resolution != signal.bits || config.rampTolerance() != 0) {
            return false;
        }
        resolution.decode(buffer, channel0, 1, samples, 0);
        int first = signal.valueOf(samples[0]);
        if (first != client.rampExpected) {
            return false;
        }
        int tableAt = signal.rampTableOffset(first);
        int length = frames * resolution.bytesPerSample();
        ByteBuffer table = signal.rampTable;
        if (tableAt + length > table.capacity() || !equalBytes(buffer, channel0, table, tableAt, length)) {
            return false;
        }
        client.framesChecked += frames;
        client.goodRun = Math.min(client.goodRun + frames, Integer.MAX_VALUE / 2);
        int last = first + (frames - 1);
        client.rampExpected = signal.next(signal.distance(last, 0));
        recordRtt(client, first, now);
        return true;
    }

    static boolean equalBytes(ByteBuffer a, int aAt, ByteBuffer b, int bAt, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (a.getLong(aAt + i) != b.getLong(bAt + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (a.get(aAt + i) != b.get(bAt + i)) {
                return false;
            }
        }
        return true;
    }

    private void checkRamp(SimClient client, int frames, long now) {
        Signal s = signal;
        int tolerance = config.rampTolerance();
        boolean clean = client.rampLocked && !client.inGap;
        int first = s.valueOf(samples[0]);
        for (int i = 0; i < frames; i++) {
            int value = s.valueOf(samples[i]);
            if (!client.rampLocked) {
                client.rampRun = value == client.rampExpected ? client.rampRun + 1 : 0;
                if (client.rampRun >= LOCK_RUN) {
                    client.rampLocked = true;
                    client.goodRun = RECOVER_RUN;
                }
                client.rampExpected = s.next(value);
                continue;
            }
            client.framesChecked++;
            int off = Math.abs(s.distance(value, client.rampExpected));
            if (off <= tolerance || (tolerance > 0 && s.nearWrap(client.rampExpected))) {
                if (off != 0 && off <= tolerance) {
                    client.rampSlips++;
                }
                if (++client.goodRun >= RECOVER_RUN) {
                    client.inGap = false;
                }
            } else {
                client.badFrames++;
                clean = false;
                if (!client.inGap) {
                    client.audibleGaps++;
                    client.inGap = true;
                    client.gapRecords.add(now, client.lastPlayed, i, s.distance(value, client.rampExpected),
                            client.previousReceiveNanos == 0 ? -1 : now - client.previousReceiveNanos);
                }
                client.goodRun = 0;
            }
            client.rampExpected = s.next(value);
        }
        if (clean) {
            recordRtt(client, first, now);
        }
    }

    /** Round trip of the packet whose first returned sample has ramp value {@code first}. */
    private void recordRtt(SimClient client, int first, long now) {
        if (signal.bits == BitResolution.BIT8) {
            return; // the 8-bit ramp repeats every 128 samples: too short to date a sample
        }
        long sample = signal.sampleOf(first, client.rampPhase(), client.samplesBuilt);
        long sentAt = client.sentAtOfSample(sample);
        if (sentAt > 0 && now - sentAt >= 0) {
            stats.recordRtt(client.group, (now - sentAt) / 1000);
        }
    }

    private void checkMix(SimClient client, int frames, long now) {
        client.peerTone.accept(samples, frames);
        client.ownTone.accept(samples, frames);
        int quiet = client.sinceLoud;
        for (int i = 0; i < frames; i++) {
            if (Math.abs(samples[i]) >= Signal.MARKER_THRESHOLD) {
                if (quiet > frames) {
                    heardMarker(client, now);
                }
                quiet = 0;
            } else {
                quiet++;
            }
        }
        client.sinceLoud = Math.min(quiet, Integer.MAX_VALUE / 2);
    }

    private void heardMarker(SimClient client, long now) {
        long id = markers.lastId();
        long sentAt = markers.lastSentNanos();
        if (id == 0 || id == client.lastMarkerHeard) {
            return;
        }
        long latency = now - sentAt;
        if (latency >= 0 && latency < markers.intervalNanos()) {
            client.lastMarkerHeard = id;
            client.markersHeard++;
            stats.recordMarker(client.group, latency / 1000);
        }
    }
}
