package org.tutti.server.jack;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackServer;

/**
 * Another JACK client that connects its own output to its own input and breaks it again, as fast as it
 * can, until closed: every change is a graph change written by another client and a notification to
 * every client of the server. Closing it rethrows what stopped it early.
 */
final class GraphRewirer implements AutoCloseable {
    private final JackProbe probe;
    private final AtomicBoolean rewiring = new AtomicBoolean(true);
    private final AtomicLong rewirings = new AtomicLong();
    private final AtomicReference<Exception> failed = new AtomicReference<>();
    private final Thread thread;

    private GraphRewirer(JackProbe probe) {
        this.probe = probe;
        this.thread = new Thread(this::rewire, "rewirer");
    }

    static GraphRewirer start(JackServer server, String name) throws Exception {
        GraphRewirer rewirer = new GraphRewirer(JackProbe.open(server, name, 1, 1, 1));
        rewirer.thread.start();
        return rewirer;
    }

    private void rewire() {
        String own = probe.name() + ":in_1";
        try {
            while (rewiring.get()) {
                probe.connectOutput(0, own);
                probe.disconnectOutput(0, own);
                rewirings.incrementAndGet();
            }
        } catch (Exception e) {
            failed.set(e);
        }
    }

    /** Connections made and broken so far. */
    long rewirings() {
        return rewirings.get();
    }

    @Override
    public void close() throws Exception {
        rewiring.set(false);
        thread.join(5_000);
        probe.close();
        if (failed.get() != null) {
            throw failed.get();
        }
    }
}
