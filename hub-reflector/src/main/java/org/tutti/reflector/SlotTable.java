package org.tutti.reflector;

import java.util.BitSet;

/** JackTrip's slot rule: a new client gets the lowest free index; a freed index is reused. Thread-safe. */
final class SlotTable {
    private final int size;
    private final BitSet taken;

    SlotTable(int size) {
        this.size = size;
        this.taken = new BitSet(size);
    }

    /** The lowest free slot at or above {@code from}, now taken; -1 when none is free. */
    synchronized int acquire(int from) {
        int slot = taken.nextClearBit(from);
        if (slot >= size) {
            return -1;
        }
        taken.set(slot);
        return slot;
    }

    synchronized void release(int slot) {
        taken.clear(slot);
    }

    synchronized int inUse() {
        return taken.cardinality();
    }
}
