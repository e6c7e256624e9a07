package org.tutti.server.api;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches method and path against route templates like {@code /api/mixes/{name}/sources/{source}}.
 * Path parts are percent-decoded, so names with spaces or accents work.
 */
public final class Router {
    /** Who may call a route. */
    public enum Access {
        /** No token needed (health checks). */
        PUBLIC,
        /** Any valid token. */
        AUTHENTICATED,
        /** The operator token only. */
        OPERATOR,
        /** The operator, or the participant named by the path's {name}. */
        MIX_OWNER
    }

    /** A route's behaviour: returns the object to send as JSON. */
    @FunctionalInterface
    public interface Handler {
        Object handle(Request request);
    }

    public record Route(HttpMethod method, String[] template, Access access, Handler handler) {
    }

    /** A matched route with its path parameters. */
    public record Match(Route route, Map<String, String> parameters) {
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(HttpMethod method, String template, Access access, Handler handler) {
        routes.add(new Route(method, split(template), access, handler));
        return this;
    }

    private static String[] split(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    }

    /** The route for this call; 404 for no such path, 405 for a path that exists with other methods. */
    public Match match(HttpMethod method, String rawPath) {
        String[] parts = split(rawPath);
        boolean pathExists = false;
        for (Route route : routes) {
            Map<String, String> parameters = matchPath(route.template(), parts);
            if (parameters == null) {
                continue;
            }
            pathExists = true;
            if (route.method().equals(method)) {
                return new Match(route, parameters);
            }
        }
        if (pathExists) {
            throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, method + " is not allowed on " + rawPath);
        }
        throw ApiException.notFound("no such endpoint: " + rawPath);
    }

    private static Map<String, String> matchPath(String[] template, String[] parts) {
        if (template.length != parts.length) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String expected = template[i];
            String actual = QueryStringDecoder.decodeComponent(parts[i]);
            if (expected.startsWith("{") && expected.endsWith("}")) {
                parameters.put(expected.substring(1, expected.length() - 1), actual);
            } else if (!expected.equals(actual)) {
                return null;
            }
        }
        return parameters;
    }
}
