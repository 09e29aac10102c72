package dev.anomalyops.drift.alertmanager;

import dev.anomalyops.drift.trigger.TriggerDecision;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to answer Alertmanager, and what the notification decided.
 *
 * @param status the HTTP status: 200 handled, 400 malformed, 401 unauthenticated, 405 not POST, 413 too large,
 *     415 not JSON, 503 the trigger sink refused (Alertmanager retries non-2xx answers)
 * @param headers response headers (content type; {@code WWW-Authenticate} on 401)
 * @param body a small JSON document saying what happened
 * @param decisions decisions handed to the sink by this request (re-deliveries give none)
 * @param duplicates alerts already handled in an earlier delivery
 * @param ignored why alerts were not turned into decisions (resolved, no {@code action} label, unknown action …)
 */
public record WebhookResponse(int status, Map<String, String> headers, byte[] body, List<TriggerDecision> decisions,
        int duplicates, List<String> ignored) {
    /** Copies the collections. */
    public WebhookResponse {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        decisions = List.copyOf(decisions);
        ignored = List.copyOf(ignored);
    }

    /** @return the body as text */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
