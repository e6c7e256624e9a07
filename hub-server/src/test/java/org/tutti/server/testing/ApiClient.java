package org.tutti.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A small client for the control API in tests. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    public ApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public ApiClient as(String otherToken) {
        return new ApiClient(base, otherToken);
    }

    /** Status and parsed JSON body of a call. */
    public record Response(int status, JsonNode body, String text) {
        public String error() {
            return body != null && body.has("error") ? body.get("error").asText() : null;
        }
    }

    public Response get(String path) throws IOException, InterruptedException {
        return call("GET", path, null);
    }

    public Response put(String path, String json) throws IOException, InterruptedException {
        return call("PUT", path, json);
    }

    public Response patch(String path, String json) throws IOException, InterruptedException {
        return call("PATCH", path, json);
    }

    public Response post(String path, String json) throws IOException, InterruptedException {
        return call("POST", path, json);
    }

    public Response delete(String path) throws IOException, InterruptedException {
        return call("DELETE", path, null);
    }

    public Response call(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        try {
            body = response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            // not JSON (e.g. /metrics)
        }
        return new Response(response.statusCode(), body, response.body());
    }
}
