package org.tutti.server.api;

import static org.tutti.server.api.Router.Access.OPERATOR;
import static org.tutti.server.api.Router.Access.PUBLIC;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionManager;

/** The hub's public health; listing participants with live statistics, kicking, renaming, issuing participant tokens. */
final class ParticipantRoutes {
    private final SessionManager sessions;
    private final HubEngine engine;
    private final Tokens tokens;
    private final int sampleRate;
    private final Runnable changed;
    private final Supplier<Map<String, Object>> health;

    ParticipantRoutes(SessionManager sessions, HubEngine engine, Tokens tokens, int sampleRate, Runnable changed,
                      Supplier<Map<String, Object>> health) {
        this.health = health;
        this.sessions = sessions;
        this.engine = engine;
        this.tokens = tokens;
        this.sampleRate = sampleRate;
        this.changed = changed;
    }

    void register(Router router) {
        router.add(HttpMethod.GET, "/api/health", PUBLIC, r -> health.get())
                .add(HttpMethod.GET, "/api/participants", OPERATOR, r -> list())
                .add(HttpMethod.GET, "/api/participants/{name}", OPERATOR,
                        r -> ParticipantView.of(participant(r), engine, sampleRate, true))
                .add(HttpMethod.POST, "/api/participants/{name}/kick", OPERATOR, this::kick)
                .add(HttpMethod.POST, "/api/participants/{name}/rename", OPERATOR, this::rename)
                .add(HttpMethod.POST, "/api/participants/{name}/token", OPERATOR, this::token);
    }

    private List<Map<String, Object>> list() {
        return sessions.active().stream().map(p -> ParticipantView.of(p, engine, sampleRate, true)).toList();
    }

    private Participant participant(Request request) {
        String name = request.path("name");
        Participant participant = sessions.byName(name);
        if (participant == null) {
            throw ApiException.notFound("no participant named '" + name + "' is connected");
        }
        return participant;
    }

    private Object kick(Request request) {
        Participant participant = participant(request);
        sessions.end(participant, org.tutti.server.session.SessionEndReason.KICKED);
        return Map.of("kicked", participant.name());
    }

    private Object rename(Request request) {
        Participant participant = participant(request);
        String name = JsonBody.of(request.json(), "name").text("name");
        if (name == null) {
            throw ApiException.badRequest("'name' is required");
        }
        String old = participant.name();
        try {
            sessions.rename(participant, name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
        tokens.rename(old, name);
        changed.run();
        return Map.of("renamed", old, "to", name);
    }

    private Object token(Request request) {
        String name = request.path("name");
        MixRoutes.requireKnown(sessions, name);
        String token = tokens.issue(name);
        changed.run();
        return Map.of("participant", name, "token", token,
                "note", "shown once; it lets its holder change only this participant's own mix");
    }
}
