package org.tutti.server.session;

import java.util.List;
import org.tutti.server.engine.PeriodTap;

/** Supplies the tap of each new engine snapshot: the recorder while a take runs (conductor thread). */
public interface PeriodTapSource {
    PeriodTapSource NONE = streaming -> null;

    /** The tap for a snapshot of {@code streaming} participants, or null for none. */
    PeriodTap tapFor(List<Participant> streaming);
}
