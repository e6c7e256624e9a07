package org.tutti.server.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Who holds which participant slot (slot n listens on UDP base + n). A slot is reserved while its
 * port is being bound and held by its participant from admission until the session's socket is
 * closed. Conductor thread only.
 */
final class SlotTable {
    private final Participant[] slots;
    private final boolean[] reserved;

    SlotTable(int capacity) {
        this.slots = new Participant[capacity];
        this.reserved = new boolean[capacity];
    }

    int capacity() {
        return slots.length;
    }

    /** Reserves the lowest free slot from {@code from} on; -1 when there is none. */
    int reserveLowestFree(int from) {
        for (int i = from; i < reserved.length; i++) {
            if (!reserved[i]) {
                reserved[i] = true;
                return i;
            }
        }
        return -1;
    }

    /** Gives back a reservation that never got its participant (its port did not bind). */
    void unreserve(int slot) {
        reserved[slot] = false;
    }

    /** The participant admitted to its reserved slot. */
    void occupy(Participant participant) {
        slots[participant.slot()] = participant;
    }

    /** Frees the participant's slot, unless another participant holds it by now. */
    void release(Participant participant) {
        if (slots[participant.slot()] == participant) {
            slots[participant.slot()] = null;
            reserved[participant.slot()] = false;
        }
    }

    /** Whether any slot still has a participant (ending ones included). */
    boolean anyHeld() {
        for (Participant participant : slots) {
            if (participant != null) {
                return true;
            }
        }
        return false;
    }

    /** Active sessions in slot order. */
    List<Participant> active() {
        List<Participant> list = new ArrayList<>();
        for (Participant participant : slots) {
            if (participant != null && participant.active()) {
                list.add(participant);
            }
        }
        return list;
    }

    /** Streaming participants in slot order. */
    List<Participant> streaming() {
        List<Participant> list = new ArrayList<>();
        for (Participant participant : slots) {
            if (participant != null && participant.state() == Participant.State.STREAMING
                    && participant.stream() != null) {
                list.add(participant);
            }
        }
        return list;
    }

    /** The active session that logged in as {@code username} most recently, or null. */
    Participant byUsername(String username) {
        Participant found = null;
        for (Participant participant : slots) {
            if (participant != null && participant.active() && username.equals(participant.username())
                    && (found == null || participant.id() > found.id())) {
                found = participant;
            }
        }
        return found;
    }
}
