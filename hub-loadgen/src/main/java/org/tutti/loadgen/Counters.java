package org.tutti.loadgen;

/** Sums of every client's counters at one moment; two snapshots subtract to an interval. */
final class Counters {
    long packetsBuilt;
    long datagramsSent;
    long bytesSent;
    long impairmentDropped;
    long impairmentReordered;
    long sendErrors;
    long markersSent;
    long datagramsReceived;
    long bytesReceived;
    long packetsUnique;
    long packetsSpan;
    long packetsPlayed;
    long gapEvents;
    long outOfOrder;
    long duplicates;
    long tooLate;
    long revived;
    long malformed;
    long receiveErrors;
    long exitsReceived;
    long audibleGaps;
    long underruns;
    long badFrames;
    long rampSlips;
    long framesChecked;
    long toneWindows;
    long peerTonePresent;
    long ownTonePresent;
    long markersHeard;

    static Counters of(SimClient[] clients) {
        Counters c = new Counters();
        for (SimClient s : clients) {
            if (s == null) {
                continue;
            }
            c.packetsBuilt += s.packetsBuilt;
            c.datagramsSent += s.datagramsSent;
            c.bytesSent += s.bytesSent;
            c.impairmentDropped += s.impairmentDropped;
            c.impairmentReordered += s.impairmentReordered;
            c.sendErrors += s.sendErrors;
            c.markersSent += s.markersSent;
            c.datagramsReceived += s.datagramsReceived;
            c.bytesReceived += s.bytesReceived;
            SequenceTracker t = s.sequences;
            c.packetsUnique += t.unique;
            c.packetsSpan += t.span();
            c.gapEvents += t.gapEvents;
            c.outOfOrder += t.outOfOrder;
            c.duplicates += t.duplicates;
            c.tooLate += t.tooLate;
            c.packetsPlayed += s.packetsPlayed;
            c.revived += s.revived;
            c.malformed += s.malformed;
            c.receiveErrors += s.receiveErrors;
            c.exitsReceived += s.exitsReceived;
            c.audibleGaps += s.audibleGaps;
            c.underruns += s.underruns;
            c.badFrames += s.badFrames;
            c.rampSlips += s.rampSlips;
            c.framesChecked += s.framesChecked;
            c.toneWindows += s.peerTone.windows;
            c.peerTonePresent += s.peerTone.present;
            c.ownTonePresent += s.ownTone.present;
            c.markersHeard += s.markersHeard;
        }
        return c;
    }

    Counters minus(Counters o) {
        Counters c = new Counters();
        c.packetsBuilt = packetsBuilt - o.packetsBuilt;
        c.datagramsSent = datagramsSent - o.datagramsSent;
        c.bytesSent = bytesSent - o.bytesSent;
        c.impairmentDropped = impairmentDropped - o.impairmentDropped;
        c.impairmentReordered = impairmentReordered - o.impairmentReordered;
        c.sendErrors = sendErrors - o.sendErrors;
        c.markersSent = markersSent - o.markersSent;
        c.datagramsReceived = datagramsReceived - o.datagramsReceived;
        c.bytesReceived = bytesReceived - o.bytesReceived;
        c.packetsUnique = packetsUnique - o.packetsUnique;
        c.packetsSpan = packetsSpan - o.packetsSpan;
        c.packetsPlayed = packetsPlayed - o.packetsPlayed;
        c.gapEvents = gapEvents - o.gapEvents;
        c.outOfOrder = outOfOrder - o.outOfOrder;
        c.duplicates = duplicates - o.duplicates;
        c.tooLate = tooLate - o.tooLate;
        c.revived = revived - o.revived;
        c.malformed = malformed - o.malformed;
        c.receiveErrors = receiveErrors - o.receiveErrors;
        c.exitsReceived = exitsReceived - o.exitsReceived;
        c.audibleGaps = audibleGaps - o.audibleGaps;
        c.underruns = underruns - o.underruns;
        c.badFrames = badFrames - o.badFrames;
        c.rampSlips = rampSlips - o.rampSlips;
        c.framesChecked = framesChecked - o.framesChecked;
        c.toneWindows = toneWindows - o.toneWindows;
        c.peerTonePresent = peerTonePresent - o.peerTonePresent;
        c.ownTonePresent = ownTonePresent - o.ownTonePresent;
        c.markersHeard = markersHeard - o.markersHeard;
        return c;
    }

    /** Packets the hub sent that never arrived (sequence numbers skipped and not filled later). */
    long seqLost() {
        return Math.max(0, packetsSpan - packetsUnique);
    }
}
