package org.tutti.server.jack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tutti.mixer.PatchMode;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/**
 * JACK mode's process cycle allocates nothing: 32 participants streaming with ports (a quarter of them
 * patched both ways to another JACK client, the rest unconnected), the engine mixing, and not one byte
 * allocated on JACK's process thread over thousands of cycles after warm-up, nor, with
 * {@code --jack-engine async}, on the engine's own thread. jnajack's own process callback allocated a
 * Pointer per registered port per cycle; {@link JackCycle} replaced it.
 */
class JackAllocationTest {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int PARTICIPANTS = 32;
    private static final int PATCHED = 8;
    private static final long CYCLES = 2000;

    @ParameterizedTest(name = "--jack-engine {0}")
    @ValueSource(strings = {"sync", "async"})
    void jackProcessCyclesAllocateNothingWith32Participants(String engineMode) throws Exception {
        JackServer server = JackServer.shared();
        String tutti = "tutti-alloc-" + engineMode + ProcessHandle.current().pid();
        List<FakeClient> clients = new ArrayList<>();
        AtomicBoolean streaming = new AtomicBoolean(true);
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.FULL_MIX);
                b.jack = true;
                b.jackServer = server.name();
                b.jackClientName = tutti;
                b.jackEngine = engineMode;
                b.queuePackets(4);
                b.udpBasePort = Ports.freeUdpRange(PARTICIPANTS + 4);
            });
             JackProbe probe = JackProbe.open(server, tutti + "-probe", PATCHED, PATCHED, 5)) {
            for (int i = 0; i < PARTICIPANTS; i++) {
                clients.add(FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "p" + i));
            }
            Thread sender = new Thread(() -> send(clients, streaming), "clients");
            sender.start();
            TestHub.await(Duration.ofSeconds(10), PARTICIPANTS + " streaming", () -> hub.participants().stream()
                    .filter(p -> p.state() == Participant.State.STREAMING).count() == PARTICIPANTS);
            for (int i = 0; i < PATCHED; i++) {
                probe.play(i, Signal.sine(220 + 110 * i, 0.1, server.sampleRate()));
                probe.connectOutput(i, tutti + ":p" + i + "_send_1"); // into the hub: mixed to p_i
                probe.connectInput(i, tutti + ":p" + i + "_receive_1"); // what came from p_i
            }
            JackSupervisor jack = (JackSupervisor) hub.hub().audioServer();
            long windowMillis = CYCLES * hub.hub().config().periodFrames() * 1000L / server.sampleRate();
            Thread.sleep(windowMillis); // warm-up: JIT, pools, buffers, connection counts
            long thread = jack.processThreadId();
            assertTrue(thread != 0, "JACK runs the process callback");
            long engineThread = jack.engineThreadId();
            assertEquals(engineMode.equals("async"), engineThread != 0, "an engine thread of its own with async only");
            // The patched ports are counted as connected, so their buffers are fetched and copied every cycle.
            assertEquals("from [1, 0] to [1, 0]", hub.hub().jackPorts().connectionCounts("p0"));
            long bytes = -1;
            long engineBytes = -1;
            // Up to three windows, as EngineAllocationTest: allocation per cycle shows in every window, a
            // one-off JVM event (a deoptimisation) does not recur. The last window must be clean.
            for (int window = 1; window <= 3 && (bytes != 0 || engineBytes > 0); window++) {
                long before = THREADS.getThreadAllocatedBytes(thread);
                long engineBefore = engineThread == 0 ? 0 : THREADS.getThreadAllocatedBytes(engineThread);
                assertTrue(before >= 0 && engineBefore >= 0, "JACK's process thread and the engine's are alive");
                long cyclesBefore = hub.hub().timings().periods();
                Thread.sleep(windowMillis);
                bytes = THREADS.getThreadAllocatedBytes(thread) - before;
                engineBytes = engineThread == 0 ? 0 : THREADS.getThreadAllocatedBytes(engineThread) - engineBefore;
                assertTrue(jack.onJack() && jack.fallbacks() == 0 && jack.processThreadId() == thread
                                && jack.engineThreadId() == engineThread,
                        "the hub stayed on JACK, on the same threads");
                long cycles = hub.hub().timings().periods() - cyclesBefore;
                System.out.printf("--jack-engine %s, window %d: %d bytes on JACK's process thread, %d on the engine"
                        + " thread, in %d cycles (%d late in all)%n", engineMode, window, bytes, engineBytes, cycles,
                        hub.hub().timings().lateJackCycles());
                assertTrue(cycles > CYCLES / 2, "JACK ran the hub: " + cycles + " cycles");
            }
            assertEquals(0, bytes, "bytes allocated on JACK's process thread with " + PARTICIPANTS + " participants");
            assertEquals(0, engineBytes, "bytes allocated on the engine thread with " + PARTICIPANTS + " participants");
            assertEquals(PARTICIPANTS, hub.hub().jackPorts().size(), "every participant has ports");
        } finally {
            streaming.set(false);
            for (FakeClient client : clients) {
                client.close();
            }
        }
    }

    /** Every client sends a period of audio per period of time, from one thread, as the network would. */
    private static void send(List<FakeClient> clients, AtomicBoolean streaming) {
        float[][] audio = new float[2][128];
        for (int n = 0; n < 128; n++) {
            audio[0][n] = (float) Math.sin(n * 0.1) * 0.1f;
            audio[1][n] = -audio[0][n];
        }
        long next = System.nanoTime();
        try {
            while (streaming.get()) {
                for (FakeClient client : clients) {
                    client.send(audio);
                }
                next += 2_666_667;
                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
            }
        } catch (Exception e) {
            // the test is over
        }
    }
}
