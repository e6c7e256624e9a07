package org.tutti.server.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.tutti.mixer.SourceGain;
import org.tutti.server.mix.Level;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionManager;

/**
 * A listener's mix as the API and the live pages show it: their settings, the mix-master mode, and
 * what they actually hear from each source (conductor thread).
 */
final class MixView {
    private MixView() {
    }

    static Map<String, Object> of(SessionManager sessions, String name) {
        var book = sessions.mixes().book();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", name);
        Participant participant = sessions.byName(name);
        view.put("connected", participant != null && participant.state() == Participant.State.STREAMING);
        view.put("settings", book.settings(name));
        view.put("mixMaster", book.master());
        Map<String, Object> effective = new TreeMap<>();
        for (var entry : sessions.mixes().effective(sessions.members(), name).entrySet()) {
            SourceGain gain = entry.getValue();
            Map<String, Object> heard = new LinkedHashMap<>();
            heard.put("gainDb", Math.round(Level.db(gain.gain()) * 100) / 100.0);
            if (gain.panned()) {
                heard.put("pan", gain.pan());
            }
            effective.put(entry.getKey(), heard);
        }
        view.put("effective", effective);
        return view;
    }
}
