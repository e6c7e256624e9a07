package org.tutti.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tutti.mixer.PatchMode;
import org.tutti.server.testing.Analysis;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/** The hub's own input without JACK (mode 0 and -i): silence, a tone, or a WAV file. */
class HubInputTest {

    /**
     * What the client heard over about {@code packets} × 3 ms, its packets' audio laid end to end. A
     * packet missing from it (a stall of the machine) shifts a tone's phase: a level taken over the
     * whole of it came out 6 dB low in a fresh-clone run (-17.99 against -12 dBFS; a 1000 Hz tone jumps
     * 240° per missing packet). So the tests take the level of its unbroken 100 ms windows.
     */
    private static float[] heard(FakeClient client, int packets) throws Exception {
        client.sendSilence(2);
        client.receive(300);
        client.sendSilence(1);
        List<byte[]> got = client.receive(packets * 3);
        float[] left = new float[got.size() * 128];
        int at = 0;
        for (byte[] packet : got) {
            float[] channel = FakeClient.decode(packet)[0];
            System.arraycopy(channel, 0, left, at, channel.length);
            at += channel.length;
        }
        return java.util.Arrays.copyOf(left, at);
    }

    @Test
    void modeZeroPlaysAWavFileToEveryone(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("click.wav");
        int frames = 48000;
        ByteBuffer pcm = ByteBuffer.allocate(frames * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int n = 0; n < frames; n++) {
            pcm.putShort((short) Math.round(16000 * Math.sin(2 * Math.PI * 1500 * n / 48000.0)));
        }
        AudioFormat format = new AudioFormat(48000, 16, 1, true, false);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, frames),
                AudioFileFormat.Type.WAVE, wav.toFile());
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.SERVER_TO_CLIENTS);
                b.hubInput("wav:" + wav);
            });
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "listener")) {
            float[] left = heard(client, 100);
            assertTrue(left.length > 5000);
            Analysis.ToneLevel level = Analysis.cleanToneLevel(left, 48000, 1500);
            assertTrue(level.cleanWindows() > 0, "the WAV's tone, unbroken somewhere: " + level);
            assertEquals(20 * Math.log10(16000 / 32768.0), level.dbfs(), 0.5,
                    "the WAV's 1500 Hz tone, mono file on both channels: " + level);
        }
    }

    @Test
    void includeServerAddsTheHubInputToEveryoneButMe() throws Exception {
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.CLIENT_FAN_OUT_IN);
                b.includeServer = true;
                b.hubInput("tone:1000:-12");
            });
             FakeClient a = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "a")) {
            Analysis.ToneLevel level = Analysis.cleanToneLevel(heard(a, 100), 48000, 1000);
            assertTrue(level.cleanWindows() > 0, "-p 2 -i: the hub's tone reaches a, unbroken somewhere: " + level);
            assertEquals(-12, level.dbfs(), 0.5, "-p 2 -i: the hub's tone reaches a: " + level);
        }
    }

    @Test
    void fanOutInWithoutIncludeServerLeavesTheHubInputOut() throws Exception {
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.CLIENT_FAN_OUT_IN);
                b.hubInput("tone:1000:-12");
            });
             FakeClient a = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "a")) {
            float[] left = heard(a, 100);
            assertEquals(0.0, Analysis.peak(left, 0, left.length), 0.0, "silence: nobody else, no hub input");
        }
    }

    @Test
    void unreadableWavFileIsAClearStartUpError(@TempDir Path dir) throws Exception {
        Path bogus = dir.resolve("bogus.wav");
        Files.writeString(bogus, "not a wav");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TestHub.start(b -> b.hubInput("wav:" + bogus)));
        assertTrue(e.getMessage().contains("cannot decode WAV file"), e.getMessage());
    }
}
