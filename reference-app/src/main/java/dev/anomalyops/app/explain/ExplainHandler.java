package dev.anomalyops.app.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.rag.AnomalyContext;
import dev.anomalyops.rag.ExplanationJson;
import dev.anomalyops.rag.ExplanationService;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The reference server's {@code POST /v1/explain}: parses the anomaly, asks the {@link ExplanationService}
 * (the language model when one is configured, the template explainer otherwise; cached by anomaly signature)
 * and answers with the explanation document ({@code explanation.schema.json}). It never blocks: the future
 * completes on the service's own threads, and a full queue answers 503 with {@code Retry-After} at once.
 *
 * <p>Request body: {@code {"message": "...", "score": 0.97, "threshold": 0.5, "service": "payments",
 * "detected_at": "2025-01-03T10:00:00Z", "features": [{"name": "db_active_connections", "value": 50,
 * "contribution": 1.42}], "attributes": {"host": "db-1"}}}; only {@code message} and {@code score} are required.
 * Answers: 200 with the explanation, 400 for a malformed request ({@code {"error": "..."}}), 503 when the
 * explanation queue is full.
 *
 * <pre>{@code
 * ExplainHandler handler = new ExplainHandler(explanationService);
 * // in the server's route for POST /v1/explain:
 * handler.handle(requestBytes).thenAccept(r -> respond(r.status(), r.headers(), r.body()));
 * }</pre>
 */
public final class ExplainHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An HTTP answer.
     *
     * @param status the status code
     * @param headers extra headers (Retry-After on 503)
     * @param body the JSON body, UTF-8
     */
    public record Response(int status, Map<String, String> headers, String body) {
        /** Copies the headers. */
        public Response {
            headers = Map.copyOf(headers);
            Objects.requireNonNull(body, "body");
        }
    }

    private final ExplanationService service;

    /**
     * @param service explains the anomalies (owned by the caller, which closes it)
     */
    public ExplainHandler(ExplanationService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    /**
     * @param body the request body
     * @return completes with the answer; never completes exceptionally
     */
    public CompletableFuture<Response> handle(byte[] body) {
        AnomalyContext anomaly;
        try {
            anomaly = parse(body);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(error(400, e.getMessage()));
        }
        return service.explain(anomaly).handle((explanation, failure) -> {
            if (failure == null) {
                return new Response(200, Map.of(), ExplanationJson.write(explanation));
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof RetriableException) {
                return new Response(503, Map.of("Retry-After", "1"), errorBody(cause.getMessage()));
            }
            return error(500, "The explanation failed: " + cause);
        });
    }

    /**
     * @param body a request body
     * @return the anomaly it describes
     * @throws IllegalArgumentException naming the first problem
     */
    static AnomalyContext parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("The request body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("The request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("The request body must be a JSON object with \"message\" and \"score\"");
        }
        JsonNode message = root.get("message");
        if (message == null || !message.isTextual() || message.asText().isBlank()) {
            throw new IllegalArgumentException("\"message\" must be a non-empty string");
        }
        AnomalyContext.Builder b = AnomalyContext.builder(message.asText(), number(root, "score", true));
        if (root.hasNonNull("threshold")) {
            b.threshold(number(root, "threshold", true));
        }
        if (root.hasNonNull("service")) {
            b.service(text(root, "service"));
        }
        if (root.hasNonNull("detected_at")) {
            try {
                b.detectedAt(Instant.parse(text(root, "detected_at")));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("\"detected_at\" must be an ISO-8601 instant such as 2025-01-03T10:00:00Z"
                        + " but was \"" + root.get("detected_at").asText() + "\"");
            }
        }
        JsonNode features = root.get("features");
        if (features != null && !features.isNull()) {
            if (!features.isArray()) {
                throw new IllegalArgumentException("\"features\" must be an array of {name, value, contribution}");
            }
            for (JsonNode f : features) {
                if (!f.isObject()) {
                    throw new IllegalArgumentException("\"features\" must be an array of {name, value, contribution}");
                }
                b.feature(text(f, "name"), number(f, "value", false), number(f, "contribution", false));
            }
        }
        JsonNode attributes = root.get("attributes");
        if (attributes != null && !attributes.isNull()) {
            if (!attributes.isObject()) {
                throw new IllegalArgumentException("\"attributes\" must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                b.attribute(e.getKey(), e.getValue().asText());
            }
        }
        return b.build();
    }

    private static double number(JsonNode node, String field, boolean probability) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a number but was " + (v == null ? "missing" : v.toString()));
        }
        double d = v.asDouble();
        if (probability && !(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException("\"" + field + "\" must be in [0, 1] but was " + d);
        }
        return d;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a non-empty string");
        }
        return v.asText();
    }

    private static Response error(int status, String message) {
        return new Response(status, Map.of(), errorBody(message));
    }

    private static String errorBody(String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("error", message);
        return error.toString();
    }
}
