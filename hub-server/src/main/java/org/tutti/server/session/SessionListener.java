package org.tutti.server.session;

/** Told about joins and leaves on the conductor thread (metrics, mixes, the API). */
public interface SessionListener {
    default void joined(Participant participant) {
    }

    default void left(Participant participant, SessionEndReason reason) {
    }

    default void renamed(Participant participant, String oldName) {
    }
}
