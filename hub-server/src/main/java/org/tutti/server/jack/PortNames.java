package org.tutti.server.jack;

/**
 * Names of Tutti's JACK ports. Tutti is one JACK client (default {@code tutti}); per participant
 * {@code alice}:
 * <ul>
 *   <li>{@code tutti:alice_receive_N} (output) — audio from alice, channel N;</li>
 *   <li>{@code tutti:alice_send_N} (input) — audio to alice, added to her mix.</li>
 * </ul>
 * As JackTrip: "receive" is what comes from the network, "send" what goes to it. With aliases on,
 * the ports are also reachable as {@code alice:receive_N} and {@code alice:send_N}, JackTrip's own
 * names. The hub's own ports are {@code tutti:in_N} (its input) and {@code tutti:out_N} (its output).
 */
public final class PortNames {
    private PortNames() {
    }

    public static String fromParticipant(String name, int channel) {
        return name + "_receive_" + channel;
    }

    public static String toParticipant(String name, int channel) {
        return name + "_send_" + channel;
    }

    public static String fromParticipantAlias(String name, int channel) {
        return name + ":receive_" + channel;
    }

    public static String toParticipantAlias(String name, int channel) {
        return name + ":send_" + channel;
    }

    public static String hubInput(int channel) {
        return "in_" + channel;
    }

    public static String hubOutput(int channel) {
        return "out_" + channel;
    }
}
