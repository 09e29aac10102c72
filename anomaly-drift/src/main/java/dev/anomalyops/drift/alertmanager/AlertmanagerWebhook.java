package dev.anomalyops.drift.alertmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.model.ModelManifest;
import dev.anomalyops.drift.internal.JsonSupport;
import dev.anomalyops.drift.trigger.TriggerAction;
import dev.anomalyops.drift.trigger.TriggerDecision;
import dev.anomalyops.drift.trigger.TriggerSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Alertmanager webhook notifications (payload version 4), authenticates the caller and turns firing alerts
 * into {@link TriggerDecision}s for a {@link TriggerSink}. A library handler: the server passes the method, the
 * headers and the body bytes and writes back the {@link WebhookResponse}, e.g. with Armeria:
 *
 * <pre>{@code
 * sb.service("/alertmanager/webhook", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(agg -> {
 *     WebhookResponse r = webhook.handle(agg.method().name(), headersOf(agg), agg.content().array());
 *     return AggregatedHttpResponse.of(HttpStatus.valueOf(r.status()), MediaType.JSON_UTF_8, r.body()).toHttpResponse();
 * })));
 * }</pre>
 *
 * <p>Authentication: every configured method must pass. A bearer token (Alertmanager's
 * {@code http_config.authorization}) is compared in constant time, or checked by a caller-supplied {@link
 * Builder#bearerCheck(Predicate)} (several tokens from a reloading file). An HMAC-SHA256 signature, for callers behind
 * a relay that signs, arrives in one of two forms: {@code X-AnomalyOps-Signature: sha256=<hex>} over {@code timestamp
 * + "." + body} with {@code X-AnomalyOps-Timestamp: <unix seconds>} (timestamps outside the tolerance are refused,
 * which bounds replays), or GitHub's {@code X-Hub-Signature-256: sha256=<hex>} over the body alone. The GitHub form
 * cannot expire, so {@link Builder#requireTimestamp(boolean)} refuses it; a replayed notification whose alerts were
 * already handled decides nothing either way (see below).
 *
 * <p>Alerts become decisions when they are firing and carry a valid {@code model} label and an {@code action} label
 * (comma-separated {@link TriggerAction} labels); everything else is listed in the response's {@code ignored}. The
 * handler is idempotent: Alertmanager re-sends a group every {@code group_interval} and retries failures, so
 * decisions are remembered by {@code (groupKey, fingerprint, startsAt, action)} and handed to the sink once.
 * Unknown payload fields are tolerated. Thread-safe.
 */
public final class AlertmanagerWebhook {
    /** The signature header. */
    public static final String SIGNATURE_HEADER = "X-AnomalyOps-Signature";
    /** The timestamp header signed with the body. */
    public static final String TIMESTAMP_HEADER = "X-AnomalyOps-Timestamp";
    /** GitHub's signature header: {@code sha256=<hex HMAC-SHA256 of the body>}. */
    public static final String GITHUB_SIGNATURE_HEADER = "X-Hub-Signature-256";
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerWebhook.class);

    private final byte @Nullable [] bearerToken;
    private final @Nullable Predicate<String> bearerCheck;
    private final byte @Nullable [] hmacSecret;
    private final boolean requireTimestamp;
    private final Duration tolerance;
    private final TriggerSink sink;
    private final Clock clock;
    private final int maxBodyBytes;
    private final Map<String, Boolean> seen;

    private AlertmanagerWebhook(Builder builder) {
        this.bearerToken = builder.bearerToken == null ? null : builder.bearerToken.getBytes(StandardCharsets.UTF_8);
        this.bearerCheck = builder.bearerCheck;
        this.hmacSecret = builder.hmacSecret == null ? null : builder.hmacSecret.clone();
        this.requireTimestamp = builder.requireTimestamp;
        this.tolerance = builder.tolerance;
        this.sink = builder.sink;
        this.clock = builder.clock;
        this.maxBodyBytes = builder.maxBodyBytes;
        int capacity = builder.rememberedAlerts;
        this.seen = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * @param sink where decisions go (a {@code TriggerRouter})
     * @return a builder; configure a bearer token, an HMAC secret or both
     */
    public static Builder builder(TriggerSink sink) {
        return new Builder(sink);
    }

    /**
     * Handles one request.
     *
     * @param method the HTTP method
     * @param headers request headers (names in any case)
     * @param body the request body
     * @return what to answer and what was decided
     */
    public WebhookResponse handle(String method, Map<String, List<String>> headers, byte[] body) {
        if (!"POST".equalsIgnoreCase(method)) {
            return error(405, "Alertmanager notifications are POSTed; received " + method, Map.of("Allow", "POST"));
        }
        if (body.length > maxBodyBytes) {
            return error(413, "The notification is " + body.length + " bytes, more than the limit of " + maxBodyBytes, Map.of());
        }
        String authProblem = authenticate(headers, body);
        if (authProblem != null) {
            LOG.warn("Refused an Alertmanager notification: {}", authProblem);
            return error(401, authProblem, Map.of("WWW-Authenticate", "Bearer realm=\"anomalyops\""));
        }
        String contentType = header(headers, "Content-Type");
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return error(415, "Expected Content-Type application/json but received " + contentType, Map.of());
        }
        JsonNode root;
        try {
            root = JsonSupport.parse(body);
        } catch (IOException e) {
            return error(400, "The notification is not valid JSON: " + firstLine(e.getMessage()), Map.of());
        }
        if (!root.isObject() || !root.path("alerts").isArray()) {
            return error(400, "The notification is not an Alertmanager webhook payload: \"alerts\" must be an array", Map.of());
        }
        String version = root.path("version").asText("");
        if (!version.equals("4")) {
            return error(400, "Expected Alertmanager payload version \"4\" but received \"" + version + "\"", Map.of());
        }
        String groupKey = root.path("groupKey").asText("");
        List<TriggerDecision> decisions = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        int duplicates = 0;
        int index = 0;
        for (JsonNode alert : root.get("alerts")) {
            String where = "alert " + index++;
            List<TriggerDecision> wanted = new ArrayList<>();
            String problem = decide(alert, groupKey, where, wanted);
            if (problem != null) {
                ignored.add(problem);
                continue;
            }
            for (TriggerDecision decision : wanted) {
                synchronized (seen) {
                    // Reserve the key first, so that two concurrent deliveries of one alert decide once.
                    if (seen.putIfAbsent(decision.dedupeKey(), Boolean.TRUE) != null) {
                        duplicates++;
                        continue;
                    }
                }
                try {
                    sink.accept(decision);
                } catch (RuntimeException e) {
                    synchronized (seen) {
                        seen.remove(decision.dedupeKey());
                    }
                    LOG.error("The trigger sink refused {} for model {}; answering 503 so Alertmanager retries",
                            decision.action().label(), decision.model(), e);
                    return respond(503, decisions, duplicates, ignored,
                            "The trigger sink refused a decision: " + e.getMessage(), Map.of("Retry-After", "30"));
                }
                decisions.add(decision);
            }
        }
        return respond(200, decisions, duplicates, ignored, null, Map.of());
    }

    private @Nullable String decide(JsonNode alert, String groupKey, String where, List<TriggerDecision> out) {
        if (!alert.isObject()) {
            return where + " is not an object";
        }
        JsonNode labelsNode = alert.path("labels");
        Map<String, String> labels = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : labelsNode.properties()) {
            labels.put(e.getKey(), e.getValue().asText());
        }
        String name = labels.getOrDefault("alertname", "(unnamed)");
        where = where + " (" + name + ")";
        String status = alert.path("status").asText("");
        if (!status.equals("firing")) {
            return where + " is " + (status.isEmpty() ? "without status" : status) + ", not firing";
        }
        String actionLabel = labels.get("action");
        if (actionLabel == null) {
            return where + " has no \"action\" label";
        }
        Set<TriggerAction> actions;
        try {
            actions = TriggerAction.parseList(actionLabel);
        } catch (IllegalArgumentException e) {
            return where + ": " + e.getMessage();
        }
        String model = labels.get("model");
        if (model == null) {
            return where + " has no \"model\" label";
        }
        try {
            ModelManifest.requireName(model);
        } catch (IllegalArgumentException e) {
            return where + ": the \"model\" label is not a valid model name: " + e.getMessage();
        }
        String startsAt = alert.path("startsAt").asText("");
        Instant firedAt;
        try {
            firedAt = Instant.parse(startsAt);
        } catch (DateTimeParseException e) {
            return where + " has an invalid startsAt \"" + startsAt + "\"";
        }
        String fingerprint = alert.path("fingerprint").asText("");
        if (fingerprint.isEmpty()) {
            fingerprint = labels.toString(); // older senders: the label set identifies the alert
        }
        String summary = alert.path("annotations").path("summary").asText(name);
        for (TriggerAction action : actions) {
            out.add(new TriggerDecision(name, action, model, labels.getOrDefault("version", ""), summary, labels, firedAt,
                    "alertmanager|" + groupKey + "|" + fingerprint + "|" + startsAt + "|" + action.label()));
        }
        return null;
    }

    private @Nullable String authenticate(Map<String, List<String>> headers, byte[] body) {
        if (bearerToken != null) {
            String authorization = header(headers, "Authorization");
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return "missing bearer token";
            }
            byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(presented, bearerToken)) {
                return "wrong bearer token";
            }
        }
        if (bearerCheck != null) {
            String authorization = header(headers, "Authorization");
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return "missing bearer token";
            }
            if (!bearerCheck.test(authorization.substring(7).trim())) {
                return "wrong bearer token";
            }
        }
        if (hmacSecret != null) {
            String signature = header(headers, SIGNATURE_HEADER);
            String timestamp = header(headers, TIMESTAMP_HEADER);
            String github = header(headers, GITHUB_SIGNATURE_HEADER);
            if (signature == null && timestamp == null && github != null) {
                if (requireTimestamp) {
                    return GITHUB_SIGNATURE_HEADER + " carries no timestamp and this webhook requires "
                            + SIGNATURE_HEADER + " with " + TIMESTAMP_HEADER;
                }
                String expected = "sha256=" + sign(hmacSecret, body);
                return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                        github.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))
                        ? null : "wrong signature";
            }
            if (signature == null || timestamp == null) {
                return "missing " + SIGNATURE_HEADER + " and " + TIMESTAMP_HEADER + " headers"
                        + (requireTimestamp ? "" : " (or " + GITHUB_SIGNATURE_HEADER + ")");
            }
            long seconds;
            try {
                seconds = Long.parseLong(timestamp.trim());
            } catch (NumberFormatException e) {
                return TIMESTAMP_HEADER + " is not a number of seconds";
            }
            long skew = Math.abs(clock.instant().getEpochSecond() - seconds);
            if (skew > tolerance.toSeconds()) {
                return "signature timestamp is " + skew + " s away from now, beyond the tolerance of " + tolerance.toSeconds()
                        + " s";
            }
            String expected = "sha256=" + sign(hmacSecret, timestamp.trim(), body);
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    signature.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
                return "wrong signature";
            }
        }
        return null;
    }

    /**
     * Computes the signature a caller sends in {@value #SIGNATURE_HEADER} (after {@code sha256=}).
     *
     * @param secret the shared secret
     * @param timestamp the value of {@value #TIMESTAMP_HEADER}
     * @param body the exact body bytes
     * @return lower-case hex HMAC-SHA256 of {@code timestamp + "." + body}
     */
    public static String sign(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    /**
     * Computes GitHub's signature, sent in {@value #GITHUB_SIGNATURE_HEADER} (after {@code sha256=}).
     *
     * @param secret the shared secret
     * @param body the exact body bytes
     * @return lower-case hex HMAC-SHA256 of the body
     */
    public static String sign(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    private static @Nullable String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private static WebhookResponse error(int status, String message, Map<String, String> headers) {
        return respond(status, List.of(), 0, List.of(), message, headers);
    }

    private static WebhookResponse respond(int status, List<TriggerDecision> decisions, int duplicates, List<String> ignored,
            @Nullable String error, Map<String, String> extraHeaders) {
        ObjectNode body = JsonSupport.mapper().createObjectNode();
        body.put("status", status < 300 ? "ok" : "error");
        if (error != null) {
            body.put("error", error);
        }
        ArrayNode accepted = body.putArray("accepted");
        for (TriggerDecision d : decisions) {
            accepted.addObject().put("rule", d.rule()).put("action", d.action().label()).put("model", d.model())
                    .put("version", d.version());
        }
        body.put("duplicates", duplicates);
        ArrayNode ignoredNode = body.putArray("ignored");
        ignored.forEach(ignoredNode::add);
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put("Content-Type", "application/json; charset=utf-8");
        return new WebhookResponse(status, headers, JsonSupport.writeCompact(body), decisions, duplicates, ignored);
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "(no detail)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Builds an {@link AlertmanagerWebhook}; {@link #build()} reports every problem at once. */
    public static final class Builder {
        private final TriggerSink sink;
        private @Nullable String bearerToken;
        private @Nullable Predicate<String> bearerCheck;
        private byte @Nullable [] hmacSecret;
        private boolean requireTimestamp;
        private Duration tolerance = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();
        private int maxBodyBytes = 1 << 20;
        private int rememberedAlerts = 10_000;

        private Builder(TriggerSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        /**
         * @param token the bearer token Alertmanager sends ({@code http_config.authorization.credentials_file})
         * @return this builder
         */
        public Builder bearerToken(String token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * @param check decides whether a presented bearer token is valid (it must compare in constant time), e.g. a
         *     set of tokens reloaded from a file; used instead of or besides {@link #bearerToken(String)}
         * @return this builder
         */
        public Builder bearerCheck(Predicate<String> check) {
            this.bearerCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * @param required true refuses GitHub-style signatures without a timestamp, so that no captured request can be
         *     replayed after the tolerance (default false)
         * @return this builder
         */
        public Builder requireTimestamp(boolean required) {
            this.requireTimestamp = required;
            return this;
        }

        /**
         * @param secret the shared HMAC-SHA256 secret
         * @return this builder
         */
        public Builder hmacSecret(byte[] secret) {
            this.hmacSecret = Objects.requireNonNull(secret, "secret").clone();
            return this;
        }

        /**
         * @param tolerance how far a signature timestamp may be from now
         * @return this builder
         */
        public Builder signatureTolerance(Duration tolerance) {
            this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
            return this;
        }

        /**
         * @param clock the time source for signature timestamps
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param bytes the largest body accepted
         * @return this builder
         */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * @param alerts how many handled alerts are remembered for de-duplication
         * @return this builder
         */
        public Builder rememberedAlerts(int alerts) {
            this.rememberedAlerts = alerts;
            return this;
        }

        /**
         * @return the handler
         * @throws ConfigurationException listing every problem
         */
        public AlertmanagerWebhook build() {
            List<String> problems = new ArrayList<>();
            if (bearerToken == null && bearerCheck == null && hmacSecret == null) {
                problems.add("configure a bearerToken, an hmacSecret or both: the webhook must authenticate its caller");
            }
            if (bearerToken != null && bearerToken.length() < 16) {
                problems.add("the bearer token must be at least 16 characters but has " + bearerToken.length());
            }
            if (hmacSecret != null && hmacSecret.length < 16) {
                problems.add("the HMAC secret must be at least 16 bytes but has " + hmacSecret.length);
            }
            if (maxBodyBytes < 1024) {
                problems.add("maxBodyBytes must be at least 1024 but was " + maxBodyBytes);
            }
            if (rememberedAlerts < 1) {
                problems.add("rememberedAlerts must be >= 1 but was " + rememberedAlerts);
            }
            if (tolerance.isNegative()) {
                problems.add("signatureTolerance must not be negative but was " + tolerance);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new AlertmanagerWebhook(this);
        }
    }
}
