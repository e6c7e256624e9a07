package org.tutti.server.jack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The async engine thread's SCHED_FIFO priority stays below JACK's client threads. */
class EngineThreadPriorityTest {
    @Test
    void belowJacksClientThreadsAndNeverAboveWhatTheOperatorAllows() {
        assertEquals(4, JackBackend.engineThreadPriority(20, 5), "jackd2 -R with its default -P: clients at 5");
        assertEquals(5, JackBackend.engineThreadPriority(5, 70), "--realtime-priority caps it");
        assertEquals(0, JackBackend.engineThreadPriority(0, 70), "--realtime-priority 0: normal scheduling");
        assertEquals(0, JackBackend.engineThreadPriority(20, -1), "JACK without real-time: neither is the engine");
        assertEquals(0, JackBackend.engineThreadPriority(20, 1), "no priority below JACK's clients is left");
    }
}
