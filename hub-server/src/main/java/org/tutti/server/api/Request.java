package org.tutti.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** One API call after routing: method, the path's named parts, the caller, and the body. */
public final class Request {
    private final HttpMethod method;
    private final Map<String, String> pathParameters;
    private final Map<String, List<String>> query;
    private final Principal principal;
    private final byte[] body;
    private final ObjectMapper json;
    private final io.netty.handler.codec.http.HttpHeaders headers;
    private final boolean secure;
    private final java.net.InetSocketAddress peer;

    Request(HttpMethod method, Map<String, String> pathParameters, Map<String, List<String>> query, Principal principal,
            byte[] body, ObjectMapper json, io.netty.handler.codec.http.HttpHeaders headers, boolean secure,
            java.net.InetSocketAddress peer) {
        this.peer = peer;
        this.method = method;
        this.pathParameters = pathParameters;
        this.query = query;
        this.principal = principal;
        this.body = body;
        this.json = json;
        this.headers = headers;
        this.secure = secure;
    }

    /** A request header, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** Who called (behind a reverse proxy: the proxy). */
    public java.net.InetSocketAddress peer() {
        return peer;
    }

    /** Whether the call came over HTTPS. */
    public boolean secure() {
        return secure;
    }

    public HttpMethod method() {
        return method;
    }

    public String path(String name) {
        return pathParameters.get(name);
    }

    public boolean flag(String name) {
        List<String> values = query.get(name);
        return values != null && !values.isEmpty() && !"false".equals(values.get(0));
    }

    public Principal principal() {
        return principal;
    }

    public boolean hasBody() {
        return body.length > 0;
    }

    /** The body as JSON; 400 if it is missing or not JSON. */
    public JsonNode json() {
        if (body.length == 0) {
            throw ApiException.badRequest("a JSON body is required");
        }
        try {
            return json.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getMessage());
        }
    }

    public <T> T json(Class<T> type) {
        try {
            return json.treeToValue(json(), type);
        } catch (IOException | IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw ApiException.badRequest(cause instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage() : cause.getMessage());
        }
    }
}
