package dev.anomalyops.drift.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.drift.trigger.TriggerAction;
import dev.anomalyops.drift.trigger.TriggerDecision;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class AlertmanagerWebhookTest {
    static final String TOKEN = "s3cret-token-0123456789";
    static final byte[] SECRET = "hmac-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T10:05:00Z"), ZoneOffset.UTC);

    final List<TriggerDecision> received = new ArrayList<>();

    /** An Alertmanager 0.25 notification: one firing drift alert, one resolved, one without action, unknown keys. */
    static byte[] payload(String status) {
        return ("""
                {"receiver":"retrain-hook","status":"%s","alerts":[
                  {"status":"%s","labels":{"alertname":"ModelDataDrift","model":"cpu-anomaly","version":"7",
                     "action":"retrain","severity":"ticket","instance":"10.0.0.5:8080","job":"anomalyops"},
                   "annotations":{"summary":"Feature drift PSI 0.41 on cpu-anomaly v7"},
                   "startsAt":"2026-11-29T09:01:00.123Z","endsAt":"0001-01-01T00:00:00Z",
                   "generatorURL":"http://prometheus:9090/graph?g0.expr=...","fingerprint":"a1b2c3d4e5f60718"},
                  {"status":"resolved","labels":{"alertname":"ModelLatencyHigh","model":"cpu-anomaly","action":"scale_up"},
                   "annotations":{},"startsAt":"2026-11-29T08:00:00Z","endsAt":"2026-11-29T08:30:00Z","fingerprint":"ffff"},
                  {"status":"firing","labels":{"alertname":"AnomalyOpsTargetDown","severity":"page"},
                   "annotations":{},"startsAt":"2026-11-29T09:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"eeee"}
                ],"groupLabels":{"alertname":"ModelDataDrift"},"commonLabels":{},"commonAnnotations":{},
                "externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}/{action=\\"retrain\\"}:{alertname=\\"ModelDataDrift\\"}",
                "truncatedAlerts":0,"notification_reason":"new","someFutureField":{"x":1}}
                """).formatted(status, status).getBytes(StandardCharsets.UTF_8);
    }

    AlertmanagerWebhook bearer() {
        return AlertmanagerWebhook.builder(received::add).bearerToken(TOKEN).clock(CLOCK).build();
    }

    static Map<String, List<String>> headers(String... kv) {
        java.util.Map<String, List<String>> h = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            h.put(kv[i], List.of(kv[i + 1]));
        }
        return h;
    }

    @Test
    void aFiringAlertWithModelAndActionBecomesOneDecisionOnce() {
        AlertmanagerWebhook webhook = bearer();
        WebhookResponse response = webhook.handle("POST", headers("authorization", "Bearer " + TOKEN,
                "Content-Type", "application/json"), payload("firing"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(received).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("ModelDataDrift");
            assertThat(d.action()).isEqualTo(TriggerAction.RETRAIN);
            assertThat(d.model()).isEqualTo("cpu-anomaly");
            assertThat(d.version()).isEqualTo("7");
            assertThat(d.reason()).isEqualTo("Feature drift PSI 0.41 on cpu-anomaly v7");
            assertThat(d.firedAt()).isEqualTo(Instant.parse("2026-11-29T09:01:00.123Z"));
            assertThat(d.labels()).containsEntry("severity", "ticket");
        });
        assertThat(response.ignored()).hasSize(2).anySatisfy(s -> assertThat(s).contains("ModelLatencyHigh").contains("resolved"))
                .anySatisfy(s -> assertThat(s).contains("AnomalyOpsTargetDown").contains("no \"action\" label"));
        assertThat(response.bodyText()).contains("\"accepted\":[{\"rule\":\"ModelDataDrift\",\"action\":\"retrain\"");

        // Alertmanager re-sends the group every group_interval and retries failures: no second decision.
        WebhookResponse again = webhook.handle("POST", headers("Authorization", "Bearer " + TOKEN), payload("firing"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.duplicates()).isEqualTo(1);
        assertThat(received).hasSize(1);
    }

    @Test
    void severalActionsInOneLabelGiveOneDecisionEach() {
        byte[] body = new String(payload("firing"), StandardCharsets.UTF_8)
                .replace("\"action\":\"retrain\"", "\"action\":\"rollback,retrain\"").getBytes(StandardCharsets.UTF_8);
        bearer().handle("POST", headers("Authorization", "Bearer " + TOKEN), body);
        assertThat(received).extracting(TriggerDecision::action).containsExactlyInAnyOrder(TriggerAction.ROLLBACK, TriggerAction.RETRAIN);
        assertThat(received).extracting(TriggerDecision::dedupeKey).doesNotHaveDuplicates();
    }

    @Test
    void callersWithoutTheRightTokenAreRefused() {
        AlertmanagerWebhook webhook = bearer();
        WebhookResponse none = webhook.handle("POST", headers(), payload("firing"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers()).containsKey("WWW-Authenticate");
        assertThat(webhook.handle("POST", headers("Authorization", "Bearer " + TOKEN + "x"), payload("firing")).status())
                .isEqualTo(401);
        assertThat(webhook.handle("POST", headers("Authorization", "Basic " + TOKEN), payload("firing")).status())
                .isEqualTo(401);
        assertThat(received).isEmpty();
    }

    @Test
    void hmacSignaturesAreCheckedWithATimestampWindow() {
        AlertmanagerWebhook webhook = AlertmanagerWebhook.builder(received::add).hmacSecret(SECRET).clock(CLOCK).build();
        byte[] body = payload("firing");
        String now = Long.toString(CLOCK.instant().getEpochSecond());
        String good = "sha256=" + AlertmanagerWebhook.sign(SECRET, now, body);
        assertThat(webhook.handle("POST", headers(AlertmanagerWebhook.SIGNATURE_HEADER, good,
                AlertmanagerWebhook.TIMESTAMP_HEADER, now), body).status()).isEqualTo(200);
        assertThat(received).hasSize(1);

        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("cpu-anomaly", "mem-anomaly").getBytes(StandardCharsets.UTF_8);
        assertThat(webhook.handle("POST", headers(AlertmanagerWebhook.SIGNATURE_HEADER, good,
                AlertmanagerWebhook.TIMESTAMP_HEADER, now), tampered).bodyText()).contains("wrong signature");
        String old = Long.toString(CLOCK.instant().getEpochSecond() - 3600);
        assertThat(webhook.handle("POST", headers(AlertmanagerWebhook.SIGNATURE_HEADER,
                "sha256=" + AlertmanagerWebhook.sign(SECRET, old, body), AlertmanagerWebhook.TIMESTAMP_HEADER, old), body)
                .bodyText()).contains("beyond the tolerance");
        assertThat(received).hasSize(1);
    }

    @Test
    void githubStyleSignaturesCoverTheBodyAndCanBeRefusedForLackingATimestamp() {
        AlertmanagerWebhook webhook = AlertmanagerWebhook.builder(received::add).hmacSecret(SECRET).clock(CLOCK).build();
        byte[] body = payload("firing");
        String good = "sha256=" + AlertmanagerWebhook.sign(SECRET, body);
        // Cross-check with an independent HMAC computation, as GitHub documents it: hex of HMAC-SHA256(secret, body).
        assertThat(good).isEqualTo("sha256=" + hmacHex(SECRET, body));
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("cpu-anomaly", "mem-anomaly")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(webhook.handle("POST", headers(AlertmanagerWebhook.GITHUB_SIGNATURE_HEADER, good), tampered)
                .bodyText()).contains("wrong signature");
        assertThat(webhook.handle("POST", headers(AlertmanagerWebhook.GITHUB_SIGNATURE_HEADER, "sha256=00"), body)
                .status()).isEqualTo(401);
        assertThat(webhook.handle("POST", headers(), body).bodyText()).contains("missing");
        assertThat(received).isEmpty();
        assertThat(webhook.handle("POST", headers(AlertmanagerWebhook.GITHUB_SIGNATURE_HEADER, good), body).status())
                .isEqualTo(200);
        assertThat(received).hasSize(1);
        // A replay of the same delivery is authentic but decides nothing new.
        assertThat(webhook.handle("POST", headers(AlertmanagerWebhook.GITHUB_SIGNATURE_HEADER, good), body)
                .duplicates()).isEqualTo(1);
        assertThat(received).hasSize(1);

        AlertmanagerWebhook strict = AlertmanagerWebhook.builder(received::add).hmacSecret(SECRET).requireTimestamp(true)
                .clock(CLOCK).build();
        assertThat(strict.handle("POST", headers(AlertmanagerWebhook.GITHUB_SIGNATURE_HEADER, good), body).bodyText())
                .contains("requires " + AlertmanagerWebhook.SIGNATURE_HEADER);
    }

    @Test
    void aBearerCheckAcceptsWhatItApproves() {
        AlertmanagerWebhook webhook = AlertmanagerWebhook.builder(received::add)
                .bearerCheck(t -> t.equals(TOKEN) || t.equals(TOKEN + "-2")).clock(CLOCK).build();
        assertThat(webhook.handle("POST", headers("Authorization", "Bearer " + TOKEN + "-2"), payload("firing")).status())
                .isEqualTo(200);
        assertThat(webhook.handle("POST", headers("Authorization", "Bearer nope"), payload("firing")).status())
                .isEqualTo(401);
        assertThat(webhook.handle("POST", headers(), payload("firing")).bodyText()).contains("missing bearer token");
    }

    private static String hmacHex(byte[] secret, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            StringBuilder hex = new StringBuilder();
            for (byte b : mac.doFinal(body)) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void bothMethodsConfiguredMeansBothAreRequired() {
        AlertmanagerWebhook webhook = AlertmanagerWebhook.builder(received::add).bearerToken(TOKEN).hmacSecret(SECRET)
                .clock(CLOCK).build();
        assertThat(webhook.handle("POST", headers("Authorization", "Bearer " + TOKEN), payload("firing")).status()).isEqualTo(401);
    }

    @Test
    void malformedRequestsGetClearStatuses() {
        AlertmanagerWebhook webhook = AlertmanagerWebhook.builder(received::add).bearerToken(TOKEN).maxBodyBytes(4096).build();
        Map<String, List<String>> auth = headers("Authorization", "Bearer " + TOKEN);
        assertThat(webhook.handle("GET", auth, new byte[0]).status()).isEqualTo(405);
        assertThat(webhook.handle("POST", auth, new byte[5000]).status()).isEqualTo(413);
        assertThat(webhook.handle("POST", auth, "{nope".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);
        assertThat(webhook.handle("POST", auth, "{\"version\":\"3\",\"alerts\":[]}".getBytes(StandardCharsets.UTF_8))
                .bodyText()).contains("version \\\"4\\\"");
        assertThat(webhook.handle("POST", headers("Authorization", "Bearer " + TOKEN, "Content-Type", "text/plain"),
                payload("firing")).status()).isEqualTo(415);
        byte[] badModel = new String(payload("firing"), StandardCharsets.UTF_8).replace("\"model\":\"cpu-anomaly\",\"version\"",
                "\"model\":\"../../etc\",\"version\"").getBytes(StandardCharsets.UTF_8);
        WebhookResponse bad = webhook.handle("POST", auth, badModel);
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.ignored()).anySatisfy(s -> assertThat(s).contains("not a valid model name"));
        byte[] unknownAction = new String(payload("firing"), StandardCharsets.UTF_8).replace("\"action\":\"retrain\"",
                "\"action\":\"reboot\"").getBytes(StandardCharsets.UTF_8);
        assertThat(webhook.handle("POST", auth, unknownAction).ignored()).anySatisfy(s -> assertThat(s).contains("Unknown trigger action \"reboot\""));
        assertThat(received).isEmpty();
    }

    @Test
    void aRefusingSinkAnswers503AndTheRetryIsNotADuplicate() {
        boolean[] full = {true};
        AlertmanagerWebhook webhook = AlertmanagerWebhook.builder(d -> {
            if (full[0]) {
                throw new RejectedExecutionException("queue full");
            }
            received.add(d);
        }).bearerToken(TOKEN).build();
        Map<String, List<String>> auth = headers("Authorization", "Bearer " + TOKEN);
        assertThat(webhook.handle("POST", auth, payload("firing")).status()).isEqualTo(503);
        full[0] = false;
        assertThat(webhook.handle("POST", auth, payload("firing")).decisions()).hasSize(1);
        assertThat(received).hasSize(1);
    }

    @Test
    void anUnauthenticatedWebhookCannotBeBuilt() {
        assertThatThrownBy(() -> AlertmanagerWebhook.builder(received::add).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("must authenticate its caller");
        assertThatThrownBy(() -> AlertmanagerWebhook.builder(received::add).bearerToken("short").build())
                .hasMessageContaining("at least 16 characters");
    }
}
