package org.tutti.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;

/**
 * Strict reading of request bodies: every field checked for type and range, unknown fields refused,
 * so a typo ("gianDb") is an error rather than a silent no-op.
 */
public final class JsonBody {
    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    public static JsonBody of(JsonNode node, String... allowedFields) {
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        Set<String> allowed = Set.of(allowedFields);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; allowed: " + String.join(", ",
                        new java.util.TreeSet<>(allowed)));
            }
        }
        return new JsonBody((ObjectNode) node);
    }

    public boolean has(String field) {
        return node.has(field);
    }

    public boolean isNull(String field) {
        return node.has(field) && node.get(field).isNull();
    }

    public JsonNode raw(String field) {
        return node.get(field);
    }

    public Double number(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiException.badRequest("'" + field + "' must be a number");
        }
        return value.asDouble();
    }

    public Boolean bool(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest("'" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    public String text(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return value.asText();
    }

    public JsonBody object(String field, String... allowedFields) {
        return of(node.get(field), allowedFields);
    }
}
