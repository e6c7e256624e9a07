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
    long packetsLost;
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
            if (s != null) {
                c.add(s);
            }
        }
        return c;
    }

    static Counters of(Iterable<SimClient> clients) {
        Counters c = new Counters();
        for (SimClient s : clients) {
            c.add(s);
        }
        return c;
    }

    /** Adds one client's counters (read without locking: a live client's may lag by a packet). */
    void add(SimClient s) {
        packetsBuilt += s.packetsBuilt;
        datagramsSent += s.datagramsSent;
        bytesSent += s.bytesSent;
        impairmentDropped += s.impairmentDropped;
        impairmentReordered += s.impairmentReordered;
        sendErrors += s.sendErrors;
        markersSent += s.markersSent;
        datagramsReceived += s.datagramsReceived;
        bytesReceived += s.bytesReceived;
        SequenceTracker t = s.sequences;
        packetsUnique += t.unique;
        packetsSpan += t.span();
        packetsLost += t.lost;
        gapEvents += t.gapEvents;
        outOfOrder += t.outOfOrder;
        duplicates += t.duplicates;
        tooLate += t.tooLate;
        packetsPlayed += s.packetsPlayed;
        revived += s.revived;
        malformed += s.malformed;
        receiveErrors += s.receiveErrors;
        exitsReceived += s.exitsReceived;
        audibleGaps += s.audibleGaps;
        underruns += s.underruns;
        badFrames += s.badFrames;
        rampSlips += s.rampSlips;
        framesChecked += s.framesChecked;
        toneWindows += s.peerTone.windows;
        peerTonePresent += s.peerTone.present;
        ownTonePresent += s.ownTone.present;
        markersHeard += s.markersHeard;
    }

    /** The sum of two snapshots. */
    Counters plus(Counters o) {
        return minus(o.negated());
    }

    private Counters negated() {
        return new Counters().minus(this);
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
        c.packetsLost = packetsLost - o.packetsLost;
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
        return Math.max(0, packetsLost);
    }
}
