package org.tutti.server.api;

import static org.tutti.server.api.Router.Access.AUTHENTICATED;
import static org.tutti.server.api.Router.Access.OPERATOR;

import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tutti.server.session.SessionManager;
import org.tutti.server.web.QrSvg;

/**
 * Who a token belongs to, and personal links: a participant token inside the URL of the mixer page,
 * with a QR code, so the operator hands out access in seconds. The token travels in the URL's
 * fragment, which browsers never send to a server, so it reaches no access log.
 */
final class AccessRoutes {
    private final SessionManager sessions;
    private final Tokens tokens;
    private final Runnable changed;

    AccessRoutes(SessionManager sessions, Tokens tokens, Runnable changed) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.changed = changed;
    }

    void register(Router router) {
        router.add(HttpMethod.GET, "/api/me", AUTHENTICATED, AccessRoutes::me)
                .add(HttpMethod.POST, "/api/participants/{name}/link", OPERATOR, this::link);
    }

    private static Object me(Request request) {
        Principal principal = request.principal();
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("role", principal.operator() ? "operator" : "participant");
        if (!principal.operator()) {
            me.put("name", principal.participant());
        }
        return me;
    }

    private Object link(Request request) {
        String name = request.path("name");
        MixRoutes.requireKnown(sessions, name);
        String base = baseUrl(request);
        String token = tokens.issue(name);
        changed.run();
        String url = base + "/#token=" + token;
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("participant", name);
        link.put("url", url);
        link.put("qrSvg", QrSvg.of(url));
        link.put("note", "replaces any earlier link or token of this participant; it can change only their own mix");
        return link;
    }

    /**
     * Where the pages are, as the caller sees the hub: {@code base} from the body (the operator's page
     * sends its own origin), else the Host header and the connection's scheme.
     */
    private static String baseUrl(Request request) {
        String base = null;
        if (request.hasBody()) {
            base = JsonBody.of(request.json(), "base").text("base");
        }
        if (base == null) {
            String host = request.header("Host");
            if (host == null || host.isBlank()) {
                throw ApiException.badRequest("give 'base' (the address the hub's pages are reached at)");
            }
            base = (request.secure() ? "https://" : "http://") + host;
        }
        try {
            URI uri = new URI(base);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
                throw new URISyntaxException(base, "not an http(s) address without query or fragment");
            }
            return base.replaceAll("/+$", "");
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("'base' must be like https://hub.example.org:8443 (" + e.getReason() + ")");
        }
    }
}
