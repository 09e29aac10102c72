package dev.anomalyops.triton.server;

import java.util.Map;
import java.util.Objects;

/**
 * An HTTP answer for a server framework to send.
 *
 * @param status HTTP status
 * @param contentType the body's media type
 * @param headers extra headers (e.g. {@code Inference-Header-Content-Length})
 * @param body the body
 */
public record HttpReply(int status, String contentType, Map<String, String> headers, byte[] body) {
    /** Copies the headers. */
    public HttpReply {
        Objects.requireNonNull(contentType, "contentType");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }
}
