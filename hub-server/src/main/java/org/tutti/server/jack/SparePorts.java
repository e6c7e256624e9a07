package org.tutti.server.jack;

import java.util.ArrayDeque;
import org.jaudiolibs.jnajack.JackClient;
import org.jaudiolibs.jnajack.JackException;
import org.jaudiolibs.jnajack.JackPort;
import org.jaudiolibs.jnajack.JackPortFlags;
import org.jaudiolibs.jnajack.JackPortType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ports of participants who left, kept (disconnected, named {@code spare_N}) for the next ones to
 * join. Choirs churn all evening; registering and unregistering ports changes JACK's graph each
 * time, and at ten joins a second that cost the steady participants JACK xruns, where renaming a
 * kept port is only a notification. At most {@link #MAX_SPARE} ports of each direction are kept.
 * Conductor thread only.
 */
final class SparePorts {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.jack");
    /** Enough for a rehearsal's worth of comings and goings; beyond it ports are unregistered. */
    static final int MAX_SPARE = 128;

    private final ArrayDeque<JackPort> outputs = new ArrayDeque<>();
    private final ArrayDeque<JackPort> inputs = new ArrayDeque<>();
    private long nextSpareNumber = 1;

    /** A port named {@code shortName}: a spare one renamed, or a new one. */
    JackPort take(JackClient client, boolean output, String shortName) throws JackException {
        ArrayDeque<JackPort> spares = output ? outputs : inputs;
        JackPort spare = spares.poll();
        if (spare != null) {
            if (JackConnection.rename(client, spare, shortName)) {
                return spare;
            }
            LOG.debug("JACK refused to rename a spare port to {}; registering a new one", shortName);
            unregister(client, spare);
        }
        return client.registerPort(shortName, JackPortType.AUDIO,
                output ? JackPortFlags.JackPortIsOutput : JackPortFlags.JackPortIsInput);
    }

    /**
     * Takes back a port whose participant is gone (the audio thread no longer uses it): its
     * connections are broken and its alias removed, so the next participant starts unpatched.
     */
    void give(JackClient client, JackPort port, boolean output, String alias) {
        ArrayDeque<JackPort> spares = output ? outputs : inputs;
        if (spares.size() >= MAX_SPARE) {
            unregister(client, port);
            return;
        }
        JackConnection.disconnectAll(client, port);
        if (alias != null) {
            JackConnection.unsetAlias(port, alias);
        }
        if (!JackConnection.rename(client, port, "spare_" + nextSpareNumber++)) {
            unregister(client, port);
            return;
        }
        spares.push(port);
    }

    /** How many spare ports there are (for tests and logs). */
    int size() {
        return outputs.size() + inputs.size();
    }

    /** The JACK client is gone, and its ports with it. */
    void forget() {
        outputs.clear();
        inputs.clear();
    }

    private static void unregister(JackClient client, JackPort port) {
        try {
            client.unregisterPort(port);
        } catch (JackException | RuntimeException e) {
            LOG.debug("unregistering {} failed: {}", port.getShortName(), e.toString());
        }
    }
}
