package org.tutti.server.testing;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.LongSupplier;
import org.jaudiolibs.jnajack.Jack;
import org.jaudiolibs.jnajack.JackClient;
import org.jaudiolibs.jnajack.JackException;
import org.jaudiolibs.jnajack.JackOptions;
import org.jaudiolibs.jnajack.JackPort;
import org.jaudiolibs.jnajack.JackPortFlags;
import org.jaudiolibs.jnajack.JackPortType;
import org.jaudiolibs.jnajack.JackStatus;
import org.tutti.server.jack.NativeEnvironment;
import org.tutti.server.jack.NotificationCallbacks;

/**
 * A JACK client of the test itself (through jnajack): plays exact float signals into a JackTrip
 * client's send ports and records its receive ports, sample for sample, so assertions need no
 * external tools and no estimation.
 */
public final class JackProbe implements AutoCloseable {
    private final JackServer server;
    private final JackClient client;
    private final JackPort[] outputs;
    private final JackPort[] inputs;
    private final Signal[] signals;
    private final float[][] recording;
    private volatile boolean recordingOn;
    private volatile int recorded;
    private volatile long recordingStartFrame;
    private volatile long frame;
    private volatile long recordingStartNanos;
    private long lastCallbackNanos;
    private volatile long stalledCallbacks;
    private volatile long xruns;
    /** The xrun callback runs on libjack's notification thread, which closing must not cancel mid-call. */
    private final NotificationCallbacks notifications = new NotificationCallbacks();
    private volatile LongSupplier sampled = () -> 0;
    private volatile long sampledAtFirstCycle;
    private volatile long sampledAtLastCycle;
    private volatile long recordedCycles;
    private volatile long frameTimeAtFirstCycle;
    private volatile long frameTimeAtLastCycle;
    private volatile long nanosAtLastCycle;

    private JackProbe(JackServer server, JackClient client, JackPort[] outputs, JackPort[] inputs, int capacity) {
        this.server = server;
        this.client = client;
        this.outputs = outputs;
        this.inputs = inputs;
        this.signals = new Signal[outputs.length];
        java.util.Arrays.fill(signals, Signal.SILENCE);
        this.recording = new float[inputs.length][capacity];
    }

    /**
     * @param outputs ports that play (out_1 …)
     * @param inputs  ports that record (in_1 …)
     * @param seconds longest recording kept
     */
    public static JackProbe open(JackServer server, String name, int outputs, int inputs, double seconds)
            throws JackException {
        Jack jack = Jack.getInstance();
        EnumSet<JackStatus> status = EnumSet.noneOf(JackStatus.class);
        JackClient client;
        synchronized (JackProbe.class) {
            // libjack picks the server from the native environment when the client opens.
            NativeEnvironment.set("JACK_DEFAULT_SERVER", server.name());
            client = jack.openClient(name, EnumSet.of(JackOptions.JackNoStartServer, JackOptions.JackUseExactName),
                    status);
        }
        JackPort[] out = new JackPort[outputs];
        for (int i = 0; i < outputs; i++) {
            out[i] = client.registerPort("out_" + (i + 1), JackPortType.AUDIO, JackPortFlags.JackPortIsOutput);
        }
        JackPort[] in = new JackPort[inputs];
        for (int i = 0; i < inputs; i++) {
            in[i] = client.registerPort("in_" + (i + 1), JackPortType.AUDIO, JackPortFlags.JackPortIsInput);
        }
        JackProbe probe = new JackProbe(server, client, out, in, (int) (seconds * server.sampleRate()));
        client.setProcessCallback((c, frames) -> probe.process(frames));
        client.setXrunCallback(c -> probe.notifications.run(() -> probe.xruns++));
        client.activate();
        return probe;
    }

    private boolean process(int frames) {
        long now = System.nanoTime();
        // The dummy driver calls every period; a callback far later than that means the JACK server
        // (and the JackTrip client it drives) stalled.
        if (lastCallbackNanos != 0 && now - lastCallbackNanos > 4L * frames * 1_000_000_000L / server.sampleRate()
                + 5_000_000L) {
            stalledCallbacks++;
        }
        lastCallbackNanos = now;
        long start = frame;
        for (int i = 0; i < outputs.length; i++) {
            FloatBuffer buffer = outputs[i].getFloatBuffer();
            Signal signal = signals[i];
            for (int n = 0; n < frames; n++) {
                buffer.put(n, signal.at(start + n));
            }
        }
        if (recordingOn) {
            int at = recorded;
            long sample = sampled.getAsLong();
            long frameTime = lastFrameTime();
            if (at == 0) {
                frameTimeAtFirstCycle = frameTime;
                recordingStartFrame = start;
                recordingStartNanos = now;
                sampledAtFirstCycle = sample;
                recordedCycles = 0;
            }
            sampledAtLastCycle = sample;
            frameTimeAtLastCycle = frameTime;
            nanosAtLastCycle = now;
            recordedCycles++;
            int count = Math.min(frames, recording.length == 0 ? 0 : recording[0].length - at);
            for (int i = 0; i < inputs.length; i++) {
                inputs[i].getFloatBuffer().get(recording[i], at, Math.max(0, count));
            }
            recorded = at + Math.max(0, count);
        }
        frame = start + frames;
        return true;
    }

    public String name() {
        return client.getName();
    }

    /** The frame number (the time base of the signals played) the next callback starts at. */
    public long frame() {
        return frame;
    }

    public void play(int output, Signal signal) {
        signals[output] = signal;
    }

    /** Connects out_{output+1} to {@code destination} (e.g. "jtA:send_1"). */
    public void connectOutput(int output, String destination) throws JackException {
        Jack.getInstance().connect(client, outputs[output].getName(), destination);
    }

    /** Breaks the connection {@link #connectOutput} made. */
    public void disconnectOutput(int output, String destination) throws JackException {
        Jack.getInstance().disconnect(client, outputs[output].getName(), destination);
    }

    /** Connects {@code source} (e.g. "jtA:receive_1") to in_{input+1}. */
    public void connectInput(int input, String source) throws JackException {
        Jack.getInstance().connect(client, source, inputs[input].getName());
    }

    /** Breaks the connection {@link #connectInput} made. */
    public void disconnectInput(int input, String source) throws JackException {
        Jack.getInstance().disconnect(client, source, inputs[input].getName());
    }

    /** The probe's frame number (the time base of its signals) of the first recorded sample. */
    public long recordingStartFrame() {
        return recordingStartFrame;
    }

    /** When the first recorded sample was taken (System.nanoTime), for lining recordings up with events. */
    public long recordingStartNanos() {
        return recordingStartNanos;
    }

    /** Process callbacks that came far later than a period after the previous one. */
    public long stalledCallbacks() {
        return stalledCallbacks;
    }

    /** xruns the JACK server reported. */
    public long xruns() {
        return xruns;
    }

    /**
     * Reads {@code counter} in every recorded cycle, inside JACK's callback: a count kept by another
     * JACK client can then be compared with this probe's cycles without the test thread's own
     * delays between two reads.
     */
    public void sampleEachCycle(LongSupplier counter) {
        sampled = counter;
    }

    /** How far the counter given to {@link #sampleEachCycle} moved from the first recorded cycle to the last. */
    public long sampledRise() {
        return sampledAtLastCycle - sampledAtFirstCycle;
    }

    /** Callbacks this probe had in the last recording. */
    public long recordedCycles() {
        return recordedCycles;
    }

    /**
     * JACK's cycles from the first recorded callback to the last, by the server's frame time: a
     * cycle in which JACK did not call this probe (it does skip a client still busy from the cycle
     * before) is counted all the same.
     */
    public long cyclesByFrameTime(int periodFrames) {
        return (frameTimeAtLastCycle - frameTimeAtFirstCycle) / periodFrames;
    }

    /**
     * Periods of wall-clock time from the first recorded callback to the last. More than
     * {@link #cyclesByFrameTime} by the cycles the JACK server lost in stalls: its drivers resync and
     * never run them, and JACK's frame time counts only the cycles run.
     */
    public long periodsByWallClock(int periodFrames) {
        return Math.round((nanosAtLastCycle - recordingStartNanos) / 1e9 * server.sampleRate() / periodFrames);
    }

    private long lastFrameTime() {
        try {
            return client.getLastFrameTime();
        } catch (JackException e) {
            return 0;
        }
    }

    public void startRecording() {
        recorded = 0;
        recordingOn = true;
    }

    /** Records for {@code millis} and returns what arrived, one array per input. */
    public float[][] record(long millis) {
        startRecording();
        JackServer.sleep(millis);
        return stopRecording();
    }

    /**
     * Records in pieces of 100 ms until every input in {@code inputs} carries its tone ({@code hertz},
     * median of the piece above -40 dBFS), or {@code within} passes: a path through JACK clients and
     * buffers is complete once it carries sound, which on a stalled machine takes longer than any fixed
     * wait. Returns how long that took, in milliseconds, or -1 if it did not happen.
     */
    public long awaitTones(int[] inputs, double[] hertz, java.time.Duration within) {
        long started = System.nanoTime();
        long deadline = started + within.toNanos();
        do {
            float[][] piece = record(100);
            boolean all = true;
            for (int i = 0; i < inputs.length && all; i++) {
                all = Analysis.medianToneDbfs(piece[inputs[i]], hertz[i], server.sampleRate()) > -40;
            }
            if (all) {
                return (System.nanoTime() - started) / 1_000_000;
            }
        } while (System.nanoTime() - deadline < 0);
        return -1;
    }

    public float[][] stopRecording() {
        recordingOn = false;
        int length = recorded;
        List<float[]> copy = new ArrayList<>();
        for (float[] channel : recording) {
            copy.add(java.util.Arrays.copyOf(channel, length));
        }
        return copy.toArray(new float[0][]);
    }

    public JackServer server() {
        return server;
    }

    /**
     * Closes the probe's JACK client, or fails within {@value #CLOSE_SECONDS} s with the server's log when
     * libjack does not return (a wedged JACK server once held a close for the whole 180 s test timeout and
     * left nothing to tell why).
     */
    @Override
    public void close() {
        Thread closing = new Thread(() -> notifications.close(client), "jack-probe-close");
        closing.setDaemon(true);
        closing.start();
        try {
            closing.join(CLOSE_SECONDS * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closing.isAlive()) {
            throw new AssertionError("the JACK server did not let the probe close within " + CLOSE_SECONDS
                    + " s; its log ends:\n" + server.logTail(40));
        }
    }

    private static final int CLOSE_SECONDS = 10;
}
