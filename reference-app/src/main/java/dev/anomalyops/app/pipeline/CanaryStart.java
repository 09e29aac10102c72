package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Starts a canary of a registered version on a running reference server, through its admin API
 * ({@code POST /admin/canary} with {@code Authorization: Bearer <token>}): the last, optional step of the
 * retraining job. The server then routes 10 % of the traffic to the version and walks it through its stages.
 *
 * <p>Idempotent: when the server already has a canary of this version (running, promoted or rolled back), it is
 * reported as it is and not started again, so re-running a retrain run id does not restart a canary.
 */
public final class CanaryStart {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private CanaryStart() {}

    /**
     * @param status the server's canary status ({@code model, canary_version, canary_percent, phase, ...})
     * @param started false when the server already had a canary of this version
     */
    public record Outcome(ObjectNode status, boolean started) {
        /** @return the status with {@code started} added */
        public ObjectNode toJson() {
            ObjectNode node = status.deepCopy();
            node.put("started", started);
            return node;
        }
    }

    /**
     * @param server the reference server, e.g. {@code http://inference:8000}
     * @param token the server's admin token
     * @param model the model name
     * @param version the version to roll out
     * @return the canary's status on the server
     * @throws ConfigurationException when the token is missing or refused, or the server refuses the canary
     * @throws NotFoundException when the server's registry does not have the version
     * @throws BackendUnavailableException when the server cannot be reached
     */
    public static Outcome start(URI server, String token, String model, int version) {
        if (token == null || token.isBlank()) {
            throw new ConfigurationException("A canary on \"" + server + "\" needs the server's admin token"
                    + " (ANOMALYOPS_ADMIN_TOKEN or --admin-token)");
        }
        String base = server.toString().replaceAll("/+$", "");
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> current = send(client, HttpRequest.newBuilder(URI.create(base + "/admin/canary/" + model))
                .GET(), token, base);
        if (current.statusCode() == 200) {
            ObjectNode status = parse(current, base);
            if (status.path("canary_version").asInt(-1) == version) {
                return new Outcome(status, false);
            }
        } else if (current.statusCode() != 404) {
            throw refused(current, base, model, version);
        }
        String body = PipelineJson.MAPPER.createObjectNode().put("model", model).put("version", version).toString();
        HttpResponse<String> started = send(client, HttpRequest.newBuilder(URI.create(base + "/admin/canary"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), token, base);
        if (started.statusCode() != 200) {
            throw refused(started, base, model, version);
        }
        return new Outcome(parse(started, base), true);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request, String token, String base) {
        try {
            return client.send(request.timeout(TIMEOUT).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BackendUnavailableException("The reference server \"" + base + "\" cannot be reached: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("Interrupted while calling the reference server \"" + base + "\"", e);
        }
    }

    private static ObjectNode parse(HttpResponse<String> response, String base) {
        try {
            JsonNode node = PipelineJson.MAPPER.readTree(response.body());
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new NonRetriableException("The reference server \"" + base + "\" answered " + response.statusCode()
                + " with something other than a JSON object: " + abbreviate(response.body()));
    }

    private static RuntimeException refused(HttpResponse<String> response, String base, String model, int version) {
        String error;
        try {
            error = PipelineJson.MAPPER.readTree(response.body()).path("error").asText(response.body());
        } catch (IOException e) {
            error = abbreviate(response.body());
        }
        String message = "The reference server \"" + base + "\" refused the canary of " + model + "/" + version
                + " (HTTP " + response.statusCode() + "): " + error;
        return switch (response.statusCode()) {
            case 404 -> new NotFoundException(message);
            case 401, 403, 409 -> new ConfigurationException(message);
            case 502, 503, 504 -> new BackendUnavailableException(message);
            default -> new NonRetriableException(message);
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
