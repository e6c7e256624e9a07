package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tutti.protocol.captures.CapturedPackets.audioOnly;
import static org.tutti.protocol.captures.CapturedPackets.exitsOnly;
import static org.tutti.protocol.captures.CapturedPackets.header;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.testing.Capture;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.SampleRate;

/**
 * Settings the hub compares (spec §3.7): c10 (a 44.1 kHz client, a 48 kHz hub), c11 (a 64-frame
 * client, a 128-frame hub) and the p2 probes (rate, bits and period mismatch, sequence wrap).
 */
class SettingsMismatchCaptureTest {
    private static final DatagramValidator HUB_48K = DatagramValidator.forHubRate(48000);

    @Test
    void c10TheClientsDatagramsCarryRateCode2AndAreRefusedByA48kHub() {
        Capture c10 = Captures.open(Captures.C10_SRATE_MISMATCH);
        List<UdpDatagram> client = audioOnly(c10.udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE));
        assertTrue(client.size() > 30);
        for (UdpDatagram datagram : client) {
            assertEquals(SampleRate.SR44.code(), header(datagram).samplingRateCode());
            DatagramCheck check = CapturedPackets.check(HUB_48K, datagram);
            assertEquals(DatagramCheck.SAMPLE_RATE_MISMATCH, check, datagram.toString());
            assertTrue(check.fatal());
            assertEquals(DatagramCheck.OK, CapturedPackets.check(DatagramValidator.forHubRate(44100), datagram));
        }
    }

    @Test
    void c10TheHubsOwnDatagramsAreFineAndBothSidesSendExitPackets() {
        Capture c10 = Captures.open(Captures.C10_SRATE_MISMATCH);
        for (UdpDatagram datagram : audioOnly(c10.udpDatagrams(Captures.HUB_UDP_BASE, Captures.CLIENT_UDP_PORT))) {
            assertEquals(DatagramCheck.OK, CapturedPackets.check(HUB_48K, datagram), datagram.toString());
        }
        assertEquals(2, exitsOnly(c10.udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE)).size());
        assertEquals(2, exitsOnly(c10.udpDatagrams(Captures.HUB_UDP_BASE, Captures.CLIENT_UDP_PORT)).size());
    }

    @Test
    void c11A64FrameClientSends272ByteDatagramsThatAreAccepted() {
        Capture c11 = Captures.open(Captures.C11_BUFSIZE_MISMATCH);
        List<UdpDatagram> client = audioOnly(c11.udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE));
        assertTrue(client.size() > 900, "twice as many packets as the hub's");
        for (UdpDatagram datagram : client) {
            assertEquals(64, header(datagram).bufferSize());
            assertEquals(272, datagram.payload().length);
            assertEquals(DatagramCheck.OK, CapturedPackets.check(HUB_48K, datagram), datagram.toString());
        }
        for (UdpDatagram datagram : audioOnly(c11.udpDatagrams(Captures.HUB_UDP_BASE, Captures.CLIENT_UDP_PORT))) {
            assertEquals(128, header(datagram).bufferSize());
            assertEquals(528, datagram.payload().length);
        }
    }

    @Test
    void p2ProbeClaiming44kHzIsRefused() {
        for (UdpDatagram datagram : audioOnly(p2(14706))) {
            assertEquals(DatagramCheck.SAMPLE_RATE_MISMATCH, CapturedPackets.check(HUB_48K, datagram));
        }
    }

    @Test
    void p2Probe24BitIsRefusedOnlyByAHubThatAcceptsJust16Bit() {
        DatagramValidator only16 = new DatagramValidator(48000, false, DatagramValidator.maskOf(BitResolution.BIT16),
                DatagramValidator.DEFAULT_MAX_CHANNELS, DatagramValidator.DEFAULT_MAX_FRAMES);
        List<UdpDatagram> probe = audioOnly(p2(14707));
        assertEquals(150, probe.size());
        for (UdpDatagram datagram : probe) {
            assertEquals(784, datagram.payload().length);
            assertEquals(DatagramCheck.BIT_RESOLUTION_MISMATCH, CapturedPackets.check(only16, datagram));
            assertEquals(DatagramCheck.OK, CapturedPackets.check(HUB_48K, datagram), "Tutti's default accepts any resolution");
        }
    }

    @Test
    void p2Probe64FramesIsAccepted() {
        for (UdpDatagram datagram : audioOnly(p2(14708))) {
            assertEquals(272, datagram.payload().length);
            assertEquals(DatagramCheck.OK, CapturedPackets.check(HUB_48K, datagram));
        }
    }

    @Test
    void p2SequenceNumbersWrapFrom65535ToZero() {
        List<UdpDatagram> probe = audioOnly(p2(14712));
        int wraps = 0;
        for (int i = 1; i < probe.size(); i++) {
            int before = header(probe.get(i - 1)).sequenceNumber();
            int after = header(probe.get(i)).sequenceNumber();
            assertEquals((before + 1) & 0xFFFF, after);
            if (before == 65535) {
                assertEquals(0, after);
                wraps++;
            }
        }
        assertEquals(1, wraps);
        assertEquals(65500, header(probe.get(0)).sequenceNumber());
    }

    private static List<UdpDatagram> p2(int probePort) {
        return Captures.open(Captures.P2_ERRORS_TIMEOUTS).udpDatagrams(d -> d.sourcePort() == probePort);
    }
}
