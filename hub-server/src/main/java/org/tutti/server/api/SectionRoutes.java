package org.tutti.server.api;

import static org.tutti.server.api.Router.Access.AUTHENTICATED;
import static org.tutti.server.api.Router.Access.OPERATOR;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tutti.server.mix.MixBook;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionManager;

/**
 * Sections: who is in which (the name's prefix unless the operator said otherwise), and the
 * operator's assignments. Section faders themselves are part of each mix ({@link MixRoutes}).
 */
final class SectionRoutes {
    private final SessionManager sessions;
    private final MixBook book;
    private final Runnable changed;

    SectionRoutes(SessionManager sessions, Runnable changed) {
        this.sessions = sessions;
        this.book = sessions.mixes().book();
        this.changed = changed;
    }

    void register(Router router) {
        router.add(HttpMethod.GET, "/api/sections", AUTHENTICATED, r -> sections(sessions))
                .add(HttpMethod.PUT, "/api/participants/{name}/section", OPERATOR, this::assign);
    }

    /** Connected participants by section, those in none, and the operator's assignments. */
    static Map<String, Object> sections(SessionManager sessions) {
        MixBook book = sessions.mixes().book();
        Map<String, List<String>> bySection = new TreeMap<>();
        List<String> none = new ArrayList<>();
        for (Participant participant : sessions.active()) {
            String section = book.section(participant.name());
            if (section == null) {
                none.add(participant.name());
            } else {
                bySection.computeIfAbsent(section, s -> new ArrayList<>()).add(participant.name());
            }
        }
        bySection.values().forEach(java.util.Collections::sort);
        java.util.Collections.sort(none);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sections", bySection);
        view.put("none", none);
        view.put("assigned", book.assignedSections());
        return view;
    }

    private Object assign(Request request) {
        String name = request.path("name");
        MixRoutes.requireKnown(sessions, name);
        JsonBody body = JsonBody.of(request.json(), "section");
        if (!body.has("section")) {
            throw ApiException.badRequest("'section' is required (null puts them back in their name's section)");
        }
        try {
            book.assignSection(name, body.isNull("section") ? null : body.text("section"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        changed.run();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("participant", name);
        result.put("section", book.section(name));
        return result;
    }
}
