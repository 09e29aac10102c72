package dev.anomalyops.triton.server;

import dev.anomalyops.triton.internal.HttpCodec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol's REST endpoints over an {@link InferenceService}, with no HTTP framework: give it the method, the
 * path, the {@code Inference-Header-Content-Length} header and the body, send back the {@link HttpReply}.
 *
 * <ul>
 *   <li>{@code GET /v2/health/live}, {@code /v2/health/ready}: 200 {@code {"live": true}} / {@code {"ready": true}},
 *       503 when not;
 *   <li>{@code GET /v2}: server metadata; {@code GET /v2/models/{m}[/versions/{v}]}: model metadata;
 *   <li>{@code GET /v2/models/{m}[/versions/{v}]/ready}: 200 when ready, 503 when not, 404 when unknown;
 *   <li>{@code POST /v2/models/{m}[/versions/{v}]/infer}: JSON, or JSON plus binary tensors;
 *   <li>{@code POST /v2/repository/index}, {@code /v2/repository/models/{m}/load}, {@code .../unload}.
 * </ul>
 *
 * <p>Every failure is {@code {"error": "<sentence>"}} with the status {@link ErrorStatus} gives; unknown paths are
 * 404 and known paths with the wrong method 405.
 */
public final class HttpEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);
    private static final String JSON = "application/json";
    private final InferenceService service;
    private final long maxElements;

    /**
     * @param service what answers
     * @param maxElements most elements one input tensor may declare (bounds memory before any allocation)
     */
    public HttpEndpoints(InferenceService service, long maxElements) {
        this.service = service;
        this.maxElements = maxElements;
    }

    /**
     * @param method HTTP method
     * @param path request path without the query
     * @param headerLength the {@code Inference-Header-Content-Length} header, or null
     * @param body the request body (empty for GET)
     * @return the reply; never completes exceptionally
     */
    public CompletableFuture<HttpReply> handle(String method, String path, @Nullable String headerLength, byte[] body) {
        try {
            return route(method, path, headerLength, body).exceptionally(HttpEndpoints::failure);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e));
        }
    }

    /**
     * @param status the status
     * @param message the sentence
     * @return an error reply
     */
    public static HttpReply error(ErrorStatus status, String message) {
        return new HttpReply(status.httpStatus(), JSON, Map.of(), HttpCodec.error(message));
    }

    private static HttpReply failure(Throwable e) {
        ErrorStatus status = ErrorStatus.of(e);
        if (status == ErrorStatus.INTERNAL) {
            LOG.error("Internal error while serving a request", e);
        }
        return error(status, ErrorStatus.message(e));
    }

    private CompletableFuture<HttpReply> route(String method, String path, @Nullable String headerLength, byte[] body) {
        String[] parts = path.split("/", -1);
        // parts[0] is "" (leading slash).
        if (parts.length < 2 || !parts[1].equals("v2")) {
            return done(error(ErrorStatus.NOT_FOUND, "No endpoint at " + path));
        }
        if (parts.length == 2 || (parts.length == 3 && parts[2].isEmpty())) {
            return get(method, path, () -> ok(HttpCodec.serverMetadata(service.serverMetadata())));
        }
        switch (parts[2]) {
            case "health" -> {
                if (parts.length == 4 && parts[3].equals("live")) {
                    return get(method, path, () -> health("live", service.live()));
                }
                if (parts.length == 4 && parts[3].equals("ready")) {
                    return get(method, path, () -> health("ready", service.ready()));
                }
            }
            case "models" -> {
                return models(method, path, parts, headerLength, body);
            }
            case "repository" -> {
                return repository(method, path, parts, body);
            }
            default -> {
                // falls through to 404
            }
        }
        return done(error(ErrorStatus.NOT_FOUND, "No endpoint at " + path));
    }

    private CompletableFuture<HttpReply> models(String method, String path, String[] parts,
            @Nullable String headerLength, byte[] body) {
        if (parts.length < 4 || parts[3].isEmpty()) {
            return done(error(ErrorStatus.NOT_FOUND, "No endpoint at " + path));
        }
        String model = decode(parts[3]);
        String version = "";
        int next = 4;
        if (parts.length > 5 && parts[4].equals("versions")) {
            version = decode(parts[5]);
            next = 6;
        }
        String finalVersion = version;
        if (parts.length == next) {
            return get(method, path, () -> ok(HttpCodec.modelMetadata(service.modelMetadata(model, finalVersion))));
        }
        if (parts.length == next + 1 && parts[next].equals("ready")) {
            return get(method, path, () -> {
                boolean ready = service.modelReady(model, finalVersion);
                return new HttpReply(ready ? 200 : 503, JSON, Map.of(), ("{\"name\":\"" + model.replace("\"", "")
                        + "\",\"ready\":" + ready + "}").getBytes(StandardCharsets.UTF_8));
            });
        }
        if (parts.length == next + 1 && parts[next].equals("infer")) {
            if (!method.equals("POST")) {
                return done(error(ErrorStatus.METHOD_NOT_ALLOWED, "Use POST for " + path));
            }
            int jsonLength = -1;
            if (headerLength != null) {
                try {
                    jsonLength = Integer.parseInt(headerLength.trim());
                } catch (NumberFormatException e) {
                    return done(error(ErrorStatus.INVALID_ARGUMENT, HttpCodec.HEADER_LENGTH + " \"" + headerLength
                            + "\" is not a number"));
                }
            }
            HttpCodec.DecodedRequest decoded = HttpCodec.decodeRequest(body, jsonLength, model, version, maxElements);
            return service.infer(decoded.request()).thenApply(response -> {
                HttpCodec.Body encoded = HttpCodec.encodeResponse(response, decoded);
                if (encoded.jsonLength() < 0) {
                    return new HttpReply(200, JSON, Map.of(), encoded.bytes());
                }
                return new HttpReply(200, "application/octet-stream",
                        Map.of(HttpCodec.HEADER_LENGTH, Integer.toString(encoded.jsonLength())), encoded.bytes());
            });
        }
        return done(error(ErrorStatus.NOT_FOUND, "No endpoint at " + path));
    }

    private CompletableFuture<HttpReply> repository(String method, String path, String[] parts, byte[] body) {
        if (parts.length == 4 && parts[3].equals("index")) {
            return post(method, path, () -> ok(HttpCodec.repositoryIndex(service.repositoryIndex(
                    HttpCodec.readyFlag(body)))));
        }
        if (parts.length == 6 && parts[3].equals("models") && (parts[5].equals("load") || parts[5].equals("unload"))) {
            String model = decode(parts[4]);
            return post(method, path, () -> {
                if (parts[5].equals("load")) {
                    service.load(model);
                } else {
                    service.unload(model);
                }
                return new HttpReply(200, JSON, Map.of(), new byte[0]);
            });
        }
        return done(error(ErrorStatus.NOT_FOUND, "No endpoint at " + path));
    }

    private static HttpReply health(String field, boolean value) {
        return new HttpReply(value ? 200 : 503, JSON, Map.of(),
                ("{\"" + field + "\":" + value + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static HttpReply ok(byte[] json) {
        return new HttpReply(200, JSON, Map.of(), json);
    }

    private static CompletableFuture<HttpReply> get(String method, String path, java.util.function.Supplier<HttpReply> body) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return done(error(ErrorStatus.METHOD_NOT_ALLOWED, "Use GET for " + path));
        }
        return done(body.get());
    }

    private static CompletableFuture<HttpReply> post(String method, String path, java.util.function.Supplier<HttpReply> body) {
        if (!method.equals("POST")) {
            return done(error(ErrorStatus.METHOD_NOT_ALLOWED, "Use POST for " + path));
        }
        return done(body.get());
    }

    private static CompletableFuture<HttpReply> done(HttpReply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
