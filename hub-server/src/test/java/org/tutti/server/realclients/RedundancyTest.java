package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.ImpairmentRelay;
import org.tutti.server.testing.ImpairmentRelay.Impairment;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.StallWitness;
import org.tutti.server.testing.TestHub;

/**
 * A client with {@code -r 2} sends two packets per datagram, newest first; the hub plays it exactly,
 * and sends it two per datagram as well, so the client recovers what the way back loses.
 */
class RedundancyTest {

    @Test
    void clientWithRedundancyTwoIsHeardExactly() throws Exception {
        try (TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 b.queuePackets = RealClients.EXACT_DEPTH;
             });
             TappedPath path = TappedPath.to(hub);
             JackTripClient client = RealClients.client(path.tcpPort(), "red",
                     RealClients.concat(RealClients.EXACT_CLIENT, new String[] {"-r", "2"}));
             JackProbe probe = RealClients.probe(client, 2, Signal.ramp16(), Signal.constant(-0.5f));
             StallWitness witness = RealClients.witness(hub, probe)) {
            RealClients.watch(witness, hub, "red");
            RealClients.awaitSettled(hub, witness, "red");
            long lostBefore = hub.participant("red").stream().jitter().stats().lost();
            path.start();
            float[][] got = probe.record(3000);
            path.stop();
            Participant participant = hub.participant("red");
            long lost = participant.stream().jitter().stats().lost() - lostBefore;
            path.assertHubSentWhatItGot(witness, RealClients.hubSide(hub, "red"));
            RealClients.assertRampEchoed(got[0], probe, witness, hub.participant("red").stream().jitter().stats());
            assertEquals(0, participant.counters().malformed(), "1056-byte datagrams are valid");
            assertTrue(participant.counters().count(DatagramCheck.OK) > 500, "datagrams accepted");
            // On loopback nothing is missing, so no older slot is ever needed and nothing is lost while
            // recording, unless the machine stalled then: the client's packets for longer than the buffer,
            // or the hub, whose socket then overflows (the witness saw it).
            long start = probe.recordingStartNanos();
            boolean stalled = witness.events().stream().anyMatch(e -> !RealClients.isHubTrouble(e)
                    && e.nanos() >= start - RealClients.CAUSE_BEFORE_NANOS && e.nanos() <= start + 3_000_000_000L);
            if (!stalled) {
                assertEquals(0, lost, "lost while recording, with no stall: " + witness.events());
            }
        }
    }

    /**
     * JackTrip's receive rule, run on what the way back delivered: how many of the hub's packets a
     * client reading two per datagram plays, and how many it never gets (spec §3.4).
     */
    private static final class JackTripReader implements java.util.function.Consumer<java.nio.ByteBuffer> {
        private static final int PACKET = 16 + 128 * 2 * 2;
        private final org.tutti.protocol.udp.PacketHeader scratch = new org.tutti.protocol.udp.PacketHeader();
        private int last = -1;
        /** Length of the first datagram to the client: JackTrip reads every later one with it. */
        volatile int firstLength;
        volatile long played;
        volatile long missing;
        volatile long singleSlot;

        @Override
        public void accept(java.nio.ByteBuffer datagram) {
            if (datagram.remaining() == 63) {
                return;
            }
            if (firstLength == 0) {
                firstLength = datagram.remaining();
            }
            if (datagram.remaining() != 2 * PACKET) {
                singleSlot++;
                return;
            }
            java.nio.ByteBuffer data = datagram.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int oldest = last < 0 ? 0 : org.tutti.protocol.udp.Redundancy.oldestSlotToPlay(data, 0, 2, PACKET, last,
                    scratch);
            for (int slot = oldest; slot >= 0; slot--) {
                int sequence = scratch.wrap(data, slot * PACKET).sequenceNumber();
                if (last >= 0) {
                    missing += Math.max(0, ((sequence - last - 1) & 0xFFFF));
                }
                last = sequence;
                played++;
            }
        }
    }

    @Test
    void aClientWithRedundancyTwoIsSentTwoAndRecoversEveryIsolatedLossOnTheWayBack() throws Exception {
        JackTripReader reader = new JackTripReader();
        try (TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 b.queuePackets = RealClients.EXACT_DEPTH;
             });
             TappedPath path = TappedPath.through(new ImpairmentRelay(hub.tcpPort(), Impairment.CLEAN,
                     Impairment.everyNth(10), 7), reader);
             JackTripClient client = RealClients.client(path.tcpPort(), "down",
                     RealClients.concat(RealClients.EXACT_CLIENT, new String[] {"-r", "2"}));
             JackProbe probe = RealClients.probe(client, 2, Signal.ramp16(), Signal.constant(-0.5f));
             StallWitness witness = RealClients.witness(hub, probe)) {
            RealClients.watch(witness, hub, "down");
            RealClients.awaitSettled(hub, witness, "down");
            long droppedBefore = path.relay().droppedDown();
            path.start();
            float[][] got = probe.record(3000);
            path.stop();
            long dropped = path.relay().droppedDown() - droppedBefore;
            path.relay().observeDownlink(null);
            // A tenth of the hub's datagrams never reach the client; each carries the packet before it too,
            // so every one is recovered from the next: JackTrip's receive rule, run on exactly what the way
            // back delivered since the first datagram, plays every packet. Sent one packet per datagram
            // (-r 1 on the hub, JackTrip's way), each loss is a packet missing: about 37 a second.
            assertTrue(dropped >= 100, "the way back lost " + dropped + " datagrams while recording");
            // JackTrip (1.7 and 2.x) reads every datagram with the length of the first it got: a first one of
            // one packet would cut all later ones to their newest packet, and the client would recover nothing.
            assertEquals(2 * JackTripReader.PACKET, reader.firstLength, "the first datagram to the client carries two packets");
            assertEquals(0, reader.singleSlot, "every datagram to the client carries two packets");
            assertTrue(reader.played > 1000, "packets delivered: " + reader.played);
            assertEquals(0, reader.missing, "packets a JackTrip reader of two per datagram never got, of "
                    + reader.played);
            assertEquals(2, hub.participant("down").stream().sender().redundancy(), "what the client sends");
            // And the real client plays them: the ramp comes back exact, every packet lost on the way back
            // recovered from the datagram after it (glitches only where the machine stalled).
            path.assertHubSentWhatItGot(witness, RealClients.hubSide(hub, "down"));
            RealClients.assertRampEchoed(got[0], probe, witness, "relay dropped " + dropped
                    + " on the way back; JackTrip-rule reader played " + reader.played);
        }
    }
}
