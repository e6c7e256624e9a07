package org.tutti.server.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses, with the status and a message for the caller. Nothing was changed. */
public final class ApiException extends RuntimeException {
    private final HttpResponseStatus status;

    public ApiException(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(HttpResponseStatus.FORBIDDEN, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(HttpResponseStatus.CONFLICT, message);
    }
}
