package org.tutti.server.testing;

import org.tutti.server.engine.AudioClient;
import org.tutti.server.engine.AudioFormat;
import org.tutti.server.engine.AudioServer;

/** An audio server that runs a period only when the test says so: deterministic engine tests. */
public final class ManualClock implements AudioServer {
    private final AudioFormat format;
    private final float[][] capture;
    private final float[][] playback;
    private AudioClient client;
    private long periods;

    public ManualClock(AudioFormat format, int channels) {
        this.format = format;
        this.capture = new float[channels][format.periodFrames()];
        this.playback = new float[channels][format.periodFrames()];
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public void start(AudioClient audioClient) {
        this.client = audioClient;
        audioClient.configure(format, capture.length, playback.length);
    }

    /** Runs {@code count} periods back to back. */
    public synchronized void tick(int count) {
        for (int i = 0; i < count; i++) {
            client.process(periods * format.periodNanos(), capture, playback, format.periodFrames());
            periods++;
        }
    }

    public float[][] capture() {
        return capture;
    }

    public float[][] playback() {
        return playback;
    }

    @Override
    public void stop() {
        if (client != null) {
            client.shutdown();
        }
    }

    @Override
    public String describe() {
        return "manual clock, " + format;
    }
}
