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

    /**
     * Whether there is nothing to do until the client calls the wake-up it was given with
     * {@link #onWork} (the hub: nobody connected, nothing copying audio out). A server with a clock of
     * its own may then stop calling and sleep; one driven by a sound card or JACK goes on calling.
     * Asked on the server's thread between periods.
     */
    default boolean idle() {
        return false;
    }

    /** The server's wake-up, which the client runs (on any thread) whenever it has work again. */
    default void onWork(Runnable wake) {
    }

    /** The server stopped; no more {@link #process} calls follow. */
    void shutdown();
}
