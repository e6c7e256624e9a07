package org.tutti.server.api;

import static org.tutti.server.api.Router.Access.OPERATOR;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tutti.server.jack.ParticipantPorts;
import org.tutti.server.jack.PortPolicy;

/**
 * Who has JACK ports ({@code --jack}): {@code GET /api/jack/ports} tells the policy and who has ports
 * now; {@code PUT} sets it: {@code {"mode": "all"}}, {@code {"mode": "none"}} or {@code {"mode":
 * "pick", "names": ["alice"], "patterns": ["soprano-*"]}}. Audio is never touched by a change.
 * Without JACK both answer 404.
 */
final class JackRoutes {
    private final ParticipantPorts ports;

    JackRoutes(ParticipantPorts ports) {
        this.ports = ports;
    }

    void register(Router router) {
        router.add(HttpMethod.GET, "/api/jack/ports", OPERATOR, r -> view())
                .add(HttpMethod.PUT, "/api/jack/ports", OPERATOR, this::set);
    }

    private Map<String, Object> view() {
        ParticipantPorts current = requireJack();
        PortPolicy policy = current.policy();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("mode", policy.mode().name().toLowerCase(Locale.ROOT));
        view.put("names", policy.names().stream().sorted().toList());
        view.put("patterns", policy.patterns());
        view.put("participantsWithPorts", current.withPorts());
        view.put("sparePorts", current.spareCount());
        return view;
    }

    private Object set(Request request) {
        ParticipantPorts current = requireJack();
        JsonBody body = JsonBody.of(request.json(), "mode", "names", "patterns");
        String mode = body.text("mode");
        if (mode == null) {
            throw ApiException.badRequest("'mode' is required: all, none or pick");
        }
        PortPolicy policy;
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "all" -> policy = requireNoLists(body, PortPolicy.ALL);
            case "none" -> policy = requireNoLists(body, PortPolicy.NONE);
            case "pick" -> {
                List<String> picked = new ArrayList<>(strings(body, "names", false));
                picked.addAll(strings(body, "patterns", true));
                policy = PortPolicy.pick(picked);
            }
            default -> throw ApiException.badRequest("'mode' must be all, none or pick: " + mode);
        }
        current.policy(policy);
        return view();
    }

    private static PortPolicy requireNoLists(JsonBody body, PortPolicy policy) {
        if (body.has("names") || body.has("patterns")) {
            throw ApiException.badRequest("'names' and 'patterns' go with mode pick");
        }
        return policy;
    }

    private static List<String> strings(JsonBody body, String field, boolean patterns) {
        JsonNode value = body.raw(field);
        List<String> out = new ArrayList<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isArray()) {
            throw ApiException.badRequest("'" + field + "' must be an array of strings");
        }
        for (JsonNode item : value) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw ApiException.badRequest("'" + field + "' must hold non-empty strings");
            }
            String text = item.asText().strip();
            boolean wild = text.contains("*") || text.contains("?");
            if (wild != patterns) {
                throw ApiException.badRequest(patterns ? "a pattern needs * or ?: " + text
                        : "a name has no * or ? (put it in 'patterns'): " + text);
            }
            out.add(text);
        }
        return out;
    }

    private ParticipantPorts requireJack() {
        if (ports == null) {
            throw ApiException.notFound("this hub does not run on JACK (--jack)");
        }
        return ports;
    }
}
