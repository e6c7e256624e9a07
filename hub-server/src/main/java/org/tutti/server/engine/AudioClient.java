package org.tutti.server.engine;

/**
 * Something an {@link AudioServer} drives once per period (the shape of JAudioLibs' AudioClient).
 * {@link #process} runs on the server's real-time thread: it must not block, lock or allocate.
 */
public interface AudioClient {
    /** Called once before the first {@link #process}, on the server's thread or before it starts. */
    void configure(AudioFormat format, int captureChannels, int playbackChannels);

    /**
     * One period.
     *
     * @param periodStartNanos when this period was due, on {@link System#nanoTime()}'s clock
     * @param capture          the server's own inputs ({@code capture[channel][frame]}); the hub's "server" audio
     * @param playback         the server's own outputs, to be filled
     * @param frames           frames in this period
     */
    void process(long periodStartNanos, float[][] capture, float[][] playback, int frames);

    /** The server stopped; no more {@link #process} calls follow. */
    void shutdown();
}
