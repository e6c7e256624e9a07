package org.tutti.mixer.plan;

/**
 * A shared sum rendered once per period and read by every listener that builds on it. The routing
 * is immutable; the render buffer is scratch owned by the audio thread.
 */
public final class Bus {
    private final String name;
    private final int width;
    private final Routes routes;
    final float[][] buffer;
    /** Period in which {@link #buffer} was last rendered; audio thread only. */
    long renderedPeriod = -1;

    public Bus(String name, int width, Routes routes, int maxFrames) {
        this.name = name;
        this.width = width;
        this.routes = routes;
        this.buffer = new float[width][maxFrames];
    }

    public String name() {
        return name;
    }

    public int width() {
        return width;
    }

    public Routes routes() {
        return routes;
    }

    /** Same routing (render buffers aside). */
    public boolean sameRouting(Bus other) {
        return other != null && width == other.width && routes.equals(other.routes);
    }

    /** Renders the bus for {@code period} unless already done (audio thread only). */
    public void render(float[][][] sources, int frames, long period) {
        if (renderedPeriod == period) {
            return;
        }
        for (int c = 0; c < width; c++) {
            java.util.Arrays.fill(buffer[c], 0, frames, 0f);
        }
        routes.accumulate(sources, buffer, width, frames);
        renderedPeriod = period;
    }

    @Override
    public String toString() {
        return "Bus[" + name + ", width " + width + ", " + routes.size() + " routes]";
    }
}
