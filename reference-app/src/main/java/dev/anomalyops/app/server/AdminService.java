package dev.anomalyops.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.app.ServingEndpoints;
import dev.anomalyops.drift.alertmanager.AlertmanagerWebhook;
import dev.anomalyops.drift.alertmanager.WebhookResponse;
import dev.anomalyops.drift.trigger.TriggerAction;
import dev.anomalyops.drift.trigger.TriggerDecision;
import dev.anomalyops.drift.trigger.TriggerRouter;
import dev.anomalyops.rollout.AbTest;
import dev.anomalyops.rollout.CanaryController;
import dev.anomalyops.rollout.CanaryStatus;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.server.ErrorStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoints next to the v2 API.
 *
 * <ul>
 *   <li>{@code POST /feedback} {@code {"model", "id", "labels": [0, 1, ...]}}: true labels for a recent prediction
 *       (by the request id its response carried), feeding accuracy metrics, the A/B test and the canary's gate.
 *   <li>{@code POST /admin/canary} {@code {"model", "version"}}: starts a canary; {@code GET /admin/canary/{model}},
 *       {@code POST /admin/canary/{model}/evaluate}, {@code POST /admin/canary/{model}/abort} {@code {"reason"}}.
 *   <li>{@code POST /admin/ab} {@code {"model", "variants": {"champion": 70, "challenger": 30}}} (registry aliases);
 *       {@code GET /admin/ab/{model}} (the winner test), {@code DELETE /admin/ab/{model}}.
 *   <li>{@code POST /admin/alertmanager}: the Alertmanager webhook; alerts with action {@code rollback} or
 *       {@code pause_canary} abort the model's canary, the others are logged and counted.
 * </ul>
 *
 * <p>{@link Guards} admits admin requests (an admin bearer token, a rate limit per client); the webhook authenticates
 * itself (an admin token, or an HMAC signature when a webhook secret is set). Errors are {@code {"error": "..."}} with the status of the problem.
 */
final class AdminService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Rollouts rollouts;
    private final RoutedInferenceService inference;
    private final @Nullable AlertmanagerWebhook webhook;
    private final ExecutorService triggers = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "alert-triggers");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param rollouts the canaries and A/B tests
     * @param inference the routed inference service (feedback)
     * @param operations clock and other settings
     * @param meters metrics registry
     * @param adminTokens admin bearer tokens; the webhook accepts them unless a webhook secret is set
     * @param webhookSecret HMAC-SHA256 secret of the webhook; null: bearer tokens
     * @param requireTimestamp refuse webhook signatures without a timestamp
     */
    AdminService(Rollouts rollouts, RoutedInferenceService inference, ReferenceServer.Operations operations,
            MeterRegistry meters, TokenFile adminTokens, byte @Nullable [] webhookSecret, boolean requireTimestamp) {
        this.rollouts = rollouts;
        this.inference = inference;
        if (!adminTokens.enabled() && webhookSecret == null) {
            this.webhook = null;
        } else {
            TriggerRouter.Builder router = TriggerRouter.builder(triggers).clock(operations.clock()).meterRegistry(meters);
            router.on(TriggerAction.ROLLBACK, d -> abortFromAlert(d));
            router.on(TriggerAction.PAUSE_CANARY, d -> abortFromAlert(d));
            for (TriggerAction action : List.of(TriggerAction.RETRAIN, TriggerAction.SCALE_UP, TriggerAction.PAGE)) {
                router.on(action, d -> LOG.warn("Alert {} asks to {} model \"{}\": {} (no in-process handler; the"
                        + " operator or the deployment acts on it)", d.rule(), d.action().label(), d.model(), d.reason()));
            }
            AlertmanagerWebhook.Builder builder = AlertmanagerWebhook.builder(router.build()).clock(operations.clock());
            if (webhookSecret != null) {
                // A signing relay or GitHub: the signature authenticates the caller and the body.
                builder.hmacSecret(webhookSecret).requireTimestamp(requireTimestamp);
            } else {
                builder.bearerCheck(adminTokens::accepts);
            }
            this.webhook = builder.build();
        }
    }

    private void abortFromAlert(TriggerDecision decision) {
        if (rollouts.active(decision.model()) == null) {
            LOG.info("Alert {} asks to {} model \"{}\", which has no running rollout", decision.rule(),
                    decision.action().label(), decision.model());
            return;
        }
        rollouts.abort(decision.model(), "alert " + decision.rule() + ": " + decision.reason());
    }

    /**
     * @param request the whole request
     * @param path its path
     * @return the response
     */
    HttpResponse handle(AggregatedHttpRequest request, String path) {
        String method = request.method().name();
        try {
            if (path.equals("/feedback")) {
                return json(HttpStatus.OK, feedback(method, body(request)));
            }
            if (path.equals(ServingEndpoints.ALERTMANAGER_PATH)) {
                if (webhook == null) {
                    return error(HttpStatus.FORBIDDEN, "The Alertmanager webhook is disabled: start the server with"
                            + " admin tokens or a webhook secret");
                }
                Map<String, List<String>> headers = new LinkedHashMap<>();
                request.headers().forEach((name, value) ->
                        headers.computeIfAbsent(name.toString(), n -> new ArrayList<>()).add(value));
                WebhookResponse response = webhook.handle(method, headers, request.content().array());
                return HttpResponse.of(HttpStatus.valueOf(response.status()), MediaType.JSON_UTF_8, response.body());
            }
            // Guards checked the admin token (and the rate limit) before the request got here.
            return json(HttpStatus.OK, admin(method, path, request));
        } catch (RuntimeException e) {
            HttpStatus status = e instanceof ConfigurationException ? HttpStatus.CONFLICT
                    : HttpStatus.valueOf(ErrorStatus.of(e).httpStatus());
            return error(status, ErrorStatus.message(e));
        }
    }

    private JsonNode admin(String method, String path, AggregatedHttpRequest request) {
        String[] parts = path.substring(1).split("/");
        if (parts.length >= 2 && parts[1].equals("canary")) {
            if (parts.length == 2 && method.equals("POST")) {
                JsonNode body = body(request);
                Rollouts.Rollout rollout = rollouts.startCanary(text(body, "model"), integer(body, "version"));
                return status(rollout.canary.status());
            }
            if (parts.length == 3 && method.equals("GET")) {
                return status(rollouts.canaryStatus(parts[2]));
            }
            if (parts.length == 4 && method.equals("POST") && parts[3].equals("evaluate")) {
                CanaryController.Decision decision = rollouts.evaluate(parts[2]);
                ObjectNode node = status(rollouts.canaryStatus(parts[2]));
                node.put("decision", decision.name());
                return node;
            }
            if (parts.length == 4 && method.equals("POST") && parts[3].equals("abort")) {
                String reason = "aborted through the admin API";
                if (request.content().length() > 0) {
                    JsonNode body = body(request);
                    reason = body.path("reason").asText(reason);
                }
                rollouts.abort(parts[2], reason);
                return status(rollouts.canaryStatus(parts[2]));
            }
        }
        if (parts.length >= 2 && parts[1].equals("ab")) {
            if (parts.length == 2 && method.equals("POST")) {
                JsonNode body = body(request);
                Map<String, Double> weights = new LinkedHashMap<>();
                body.path("variants").fields().forEachRemaining(e -> weights.put(e.getKey(), e.getValue().asDouble()));
                Rollouts.Rollout rollout = rollouts.startAb(text(body, "model"), weights);
                return ab(rollout);
            }
            if (parts.length == 3 && method.equals("GET")) {
                Rollouts.Rollout rollout = rollouts.active(parts[2]);
                if (rollout == null) {
                    throw new dev.anomalyops.core.NotFoundException("Model \"" + parts[2] + "\" has no running A/B test");
                }
                return ab(rollout);
            }
            if (parts.length == 3 && method.equals("DELETE")) {
                rollouts.abort(parts[2], "stopped through the admin API");
                return JSON.createObjectNode().put("model", parts[2]).put("stopped", true);
            }
        }
        throw new dev.anomalyops.core.NotFoundException("No admin endpoint " + method + " " + path);
    }

    private JsonNode feedback(String method, JsonNode body) {
        if (!method.equals("POST")) {
            throw new InvalidRequestException("Feedback is sent with POST, not " + method);
        }
        JsonNode labels = body.path("labels");
        if (!labels.isArray() || labels.isEmpty()) {
            throw new InvalidRequestException("Feedback needs \"labels\": an array with one 0/1 label per row");
        }
        long[] actual = new long[labels.size()];
        for (int i = 0; i < actual.length; i++) {
            if (!labels.get(i).canConvertToLong()) {
                throw new InvalidRequestException("Label " + i + " of the feedback is " + labels.get(i)
                        + " but labels must be 0 (normal) or 1 (anomalous)");
            }
            actual[i] = labels.get(i).asLong();
        }
        RoutedInferenceService.Prediction p = inference.feedback(text(body, "model"), text(body, "id"), actual);
        return JSON.createObjectNode().put("model", p.model()).put("model_version", p.version())
                .put("variant", p.variant()).put("rows", actual.length);
    }

    private static ObjectNode status(CanaryStatus s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("model", s.model()).put("alias", s.alias()).put("baseline_version", s.baselineVersion())
                .put("canary_version", s.canaryVersion()).put("phase", s.phase().name()).put("stage", s.stage())
                .put("canary_percent", s.canaryPercent()).put("stage_started_at", s.stageStartedAt().toString())
                .put("reason", s.reason());
        arm(node.putObject("baseline"), s.baseline());
        arm(node.putObject("canary"), s.canary());
        return node;
    }

    private static void arm(ObjectNode node, CanaryStatus.ArmFigures f) {
        node.put("requests", f.requests()).put("errors", f.errors()).put("p95_ms", f.p95Millis())
                .put("feedback", f.feedback()).put("accuracy", f.accuracy());
    }

    private static ObjectNode ab(Rollouts.Rollout rollout) {
        ObjectNode node = JSON.createObjectNode();
        node.put("model", rollout.model);
        ObjectNode variants = node.putObject("variants");
        rollout.router.split().shares().forEach((name, share) -> variants.putObject(name).put("share", share)
                .put("model_version", rollout.version(name)));
        AbTest.Result r = rollout.test.result();
        node.put("verdict", r.verdict().name()).put("winner", r.winner()).put("samples_a", r.samplesA())
                .put("accuracy_a", r.accuracyA()).put("samples_b", r.samplesB()).put("accuracy_b", r.accuracyB())
                .put("p_value", r.fixedHorizonPValue()).put("always_valid_p_value", r.alwaysValidPValue())
                .put("explanation", r.explanation());
        return node;
    }

    private static JsonNode body(AggregatedHttpRequest request) {
        try {
            JsonNode node = JSON.readTree(request.content().array());
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException("The request body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new InvalidRequestException("The request body is not valid JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException("The request needs a string \"" + field + "\"");
        }
        return value.asText();
    }

    private static int integer(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new InvalidRequestException("The request needs an integer \"" + field + "\"");
        }
        return value.asInt();
    }

    private static HttpResponse json(HttpStatus status, JsonNode node) {
        try {
            return HttpResponse.of(status, MediaType.JSON_UTF_8, JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse error(HttpStatus status, String message) {
        return json(status, JSON.createObjectNode().put("error", message));
    }

    @Override
    public void close() {
        triggers.shutdownNow();
    }
}
