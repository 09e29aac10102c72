package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.rollout.CanaryPolicy;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.client.TritonClient;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A/B tests and canaries end to end on the reference server (issue 8): real registry, real XGBoost scorers, HTTP
 * and gRPC on loopback, and a fake clock that the test moves instead of sleeping (the server evaluates canaries
 * only when told to, through {@code POST /admin/canary/{model}/evaluate}). A bad canary is simulated by wrapping
 * version 2's scorer: failing every fifth call, or answering the opposite of the truth on labelled feedback.
 */
class RolloutServerTest {
    private static final String TOKEN = "test-admin-token";

    @TempDir
    Path temp;

    private FileModelRegistry registry;
    private OpsFixture.MutableClock clock;
    private Scorer truth;
    private InferenceServer server;

    @BeforeEach
    void registerTwoVersions() throws Exception {
        ModelBundle one = OpsFixture.bundle(temp.resolve("v1"), "cpu", 11, false);
        ModelBundle two = OpsFixture.bundle(temp.resolve("v2"), "cpu", 11, false);
        registry = FileModelRegistry.open(temp.resolve("registry"));
        registry.register("cpu", one, Map.of());
        registry.register("cpu", two, Map.of());
        registry.setAlias("cpu", "champion", 1);
        truth = Scorers.open(one, ScorerOptions.defaults());
        clock = new OpsFixture.MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        truth.close();
        registry.close();
    }

    /**
     * The default stages and the default error, absolute latency and accuracy gates, with small request counts. The
     * relative latency gate (2x the baseline's p95) is tested in anomaly-rollout with set latencies; here both
     * versions answer in well under a millisecond, where a shared 2-core machine's scheduling noise alone can
     * double a p95, so it is relaxed.
     */
    private static CanaryPolicy policy() {
        return new CanaryPolicy(List.of(10, 30, 50, 100), Duration.ofMinutes(1), 20, 20, 0.05, Duration.ofMillis(1000),
                1000.0, 0.85, 20);
    }

    private OpsFixture.Http start(BiFunction<ModelVersion, Scorer, Scorer> hook, Map<String, Map<String, Double>> ab) {
        ReferenceServer.Operations operations = new ReferenceServer.Operations(temp.resolve("state"), TOKEN, policy(),
                Duration.ZERO, ab, Duration.ofHours(1), clock, hook);
        server = ReferenceServer.start(registry, new ReferenceServer.Settings(0, List.of(), "champion",
                ScorerOptions.defaults(), ScoringInferenceService.Batching.OFF, Duration.ZERO, 1 << 20, 1024, operations));
        return new OpsFixture.Http(server.port(), TOKEN);
    }

    /** One simulated minute: requests from random users, optionally with the true label sent back as feedback. */
    private void minute(OpsFixture.Http http, SplittableRandom random, int requests, boolean feedback) throws Exception {
        requests(http, random, requests, feedback);
        clock.advance(Duration.ofMinutes(1));
    }

    private void requests(OpsFixture.Http http, SplittableRandom random, int requests, boolean feedback) throws Exception {
        for (int i = 0; i < requests; i++) {
            float[] row = OpsFixture.gaussian(1, 0f, random);
            JsonNode response = http.infer("cpu", row, "user-" + random.nextInt(100_000));
            if (feedback && !response.has("error")) {
                long label = truth.probability(row) >= 0.5 ? 1 : 0;
                http.admin("POST", "/feedback", "{\"model\":\"cpu\",\"id\":\"" + response.path("id").asText()
                        + "\",\"labels\":[" + label + "]}");
            }
        }
    }

    private JsonNode runUntilDecided(OpsFixture.Http http, boolean feedback, int maxMinutes) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        JsonNode status = http.admin("POST", "/admin/canary", "{\"model\":\"cpu\",\"version\":2}");
        assertThat(status.path("canary_percent").asInt()).isEqualTo(10);
        assertThat(registry.resolve("cpu", "champion")).map(ModelVersion::version).hasValue(2);
        for (int m = 0; m < maxMinutes; m++) {
            minute(http, random, 250, feedback);
            status = http.admin("POST", "/admin/canary/cpu/evaluate", null);
            String decision = status.path("decision").asText();
            if (decision.equals("ROLLED_BACK") || decision.equals("PROMOTED")) {
                return status;
            }
        }
        return status;
    }

    private static Scorer failingEveryFifthCall(Scorer scorer) {
        AtomicLong calls = new AtomicLong();
        return new Wrapped(scorer) {
            @Override
            public void score(FeatureBatch batch, double[] out) {
                if (calls.incrementAndGet() % 5 == 0) {
                    throw new ModelException("Simulated failure of the canary's scorer");
                }
                super.score(batch, out);
            }
        };
    }

    private static Scorer answeringTheOpposite(Scorer scorer) {
        return new Wrapped(scorer) {
            @Override
            public void score(FeatureBatch batch, double[] out) {
                super.score(batch, out);
                for (int i = 0; i < batch.rows(); i++) {
                    out[i] = 1 - out[i];
                }
            }
        };
    }

    private List<String> servedVersions(OpsFixture.Http http, int users) throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        java.util.ArrayList<String> versions = new java.util.ArrayList<>();
        for (int u = 0; u < users; u++) {
            JsonNode response = http.infer("cpu", OpsFixture.gaussian(1, 0f, random), "after-" + u);
            versions.add(response.path("parameters").path("model_version").asText() + "/"
                    + response.path("parameters").path("variant").asText());
        }
        return versions;
    }

    @Test
    void aCanaryFailingOneRequestInFiveIsRolledBackWithinItsFirstStage() throws Exception {
        OpsFixture.Http http = start((v, s) -> v.version() == 2 ? failingEveryFifthCall(s) : s, Map.of());
        JsonNode status = runUntilDecided(http, false, 10);

        assertThat(status.path("decision").asText()).isEqualTo("ROLLED_BACK");
        assertThat(status.path("stage").asInt()).as("still in the 10% stage").isZero();
        assertThat(status.path("reason").asText()).startsWith("error rate").contains("exceeds 5.0%");
        assertThat(registry.resolve("cpu", "champion")).map(ModelVersion::version).hasValue(1);
        assertThat(servedVersions(http, 50)).containsOnly("1/stable");
        assertThat(http.metrics()).contains("canary_rollbacks_total{model=\"cpu\"} 1.0")
                .containsPattern("model_requests_total\\{model=\"cpu\",outcome=\"error\",variant=\"canary\",version=\"2\"}"
                        + " [1-9]");
    }

    @Test
    void aCanaryAnsweringWronglyOnFeedbackIsRolledBackWithinItsFirstStage() throws Exception {
        OpsFixture.Http http = start((v, s) -> v.version() == 2 ? answeringTheOpposite(s) : s, Map.of());
        JsonNode status = runUntilDecided(http, true, 10);

        assertThat(status.path("decision").asText()).isEqualTo("ROLLED_BACK");
        assertThat(status.path("stage").asInt()).isZero();
        assertThat(status.path("reason").asText()).startsWith("accuracy").contains("is below 0.85");
        assertThat(status.path("baseline").path("accuracy").asDouble()).isEqualTo(1.0);
        assertThat(registry.resolve("cpu", "champion")).map(ModelVersion::version).hasValue(1);
        assertThat(servedVersions(http, 30)).containsOnly("1/stable");
    }

    @Test
    void aHealthyCanaryIsPromotedThroughEveryStage() throws Exception {
        OpsFixture.Http http = start((v, s) -> s, Map.of());
        SplittableRandom random = new SplittableRandom(5);
        http.admin("POST", "/admin/canary", "{\"model\":\"cpu\",\"version\":2}");
        StringBuilder stages = new StringBuilder("10");
        String decision = "HOLD";
        for (int m = 0; m < 20 && !decision.equals("PROMOTED"); m++) {
            minute(http, random, 250, false);
            JsonNode status = http.admin("POST", "/admin/canary/cpu/evaluate", null);
            decision = status.path("decision").asText();
            assertThat(decision).isNotEqualTo("ROLLED_BACK");
            if (decision.equals("ADVANCED")) {
                stages.append(" -> ").append(status.path("canary_percent").asInt());
            }
        }
        assertThat(decision).isEqualTo("PROMOTED");
        assertThat(stages.toString()).isEqualTo("10 -> 30 -> 50 -> 100");
        assertThat(registry.resolve("cpu", "champion")).map(ModelVersion::version).hasValue(2);
        assertThat(servedVersions(http, 30)).containsOnly("2/stable");
        assertThat(http.admin("GET", "/admin/canary/cpu", null).path("phase").asText()).isEqualTo("PROMOTED");
    }

    @Test
    void aRestartMidStageResumesTheCanaryInItsStage() throws Exception {
        OpsFixture.Http http = start((v, s) -> s, Map.of());
        SplittableRandom random = new SplittableRandom(6);
        http.admin("POST", "/admin/canary", "{\"model\":\"cpu\",\"version\":2}");
        JsonNode status = http.admin("GET", "/admin/canary/cpu", null);
        while (status.path("canary_percent").asInt() < 30) {
            minute(http, random, 250, false);
            status = http.admin("POST", "/admin/canary/cpu/evaluate", null);
        }
        requests(http, random, 100, false); // mid-stage: the dwell has not passed
        JsonNode before = http.admin("POST", "/admin/canary/cpu/evaluate", null);
        assertThat(before.path("decision").asText()).isEqualTo("HOLD");
        server.close();
        server = null;

        OpsFixture.Http restarted = start((v, s) -> s, Map.of());
        JsonNode after = restarted.admin("GET", "/admin/canary/cpu", null);
        assertThat(after.path("phase").asText()).isEqualTo("RUNNING");
        assertThat(after.path("canary_percent").asInt()).isEqualTo(30);
        assertThat(after.path("stage_started_at").asText()).isEqualTo(before.path("stage_started_at").asText());
        assertThat(after.path("canary").path("requests").asLong()).isEqualTo(before.path("canary").path("requests").asLong());
        List<String> served = servedVersions(restarted, 400);
        long canary = served.stream().filter(s -> s.equals("2/canary")).count();
        assertThat(served).containsOnly("2/canary", "1/baseline");
        assertThat(canary / 400.0).isBetween(0.22, 0.38);
    }

    @Test
    void anAbTestIsStickyPerUserOverHttpAndGrpcAndNamesVariantAndVersion() throws Exception {
        registry.setAlias("cpu", "challenger", 2);
        Map<String, Double> variants = new LinkedHashMap<>();
        variants.put("champion", 70.0);
        variants.put("challenger", 30.0);
        OpsFixture.Http http = start((v, s) -> s, Map.of("cpu", variants));
        SplittableRandom random = new SplittableRandom(8);
        Map<String, String> seen = new HashMap<>();
        int champion = 0;
        int users = 1000;
        for (int repetition = 0; repetition < 2; repetition++) {
            for (int u = 0; u < users; u++) {
                float[] row = OpsFixture.gaussian(1, 0f, random);
                JsonNode response = u % 2 == 0 ? http.infer("cpu", row, "user-" + u)
                        : OpsFixture.JSON.readTree(http.send("POST", "/v2/models/cpu/infer", OpsFixture.inferBody(row, 1),
                                "Cookie", "user_id=user-" + u).body());
                String variant = response.path("parameters").path("variant").asText();
                String version = response.path("parameters").path("model_version").asText();
                assertThat(response.path("model_version").asText()).isEqualTo(version);
                assertThat(version).isEqualTo(variant.equals("champion") ? "1" : "2");
                String previous = seen.putIfAbsent("user-" + u, variant);
                assertThat(previous == null ? variant : previous).as("user-%d keeps its variant", u).isEqualTo(variant);
                if (repetition == 0 && variant.equals("champion")) {
                    champion++;
                }
                if (repetition == 0) {
                    long label = truth.probability(row) >= 0.5 ? 1 : 0;
                    http.admin("POST", "/feedback", "{\"model\":\"cpu\",\"id\":\"" + response.path("id").asText()
                            + "\",\"labels\":[" + label + "]}");
                }
            }
        }
        assertThat(champion / (double) users).isBetween(0.65, 0.75);

        try (TritonClient grpc = TritonClient.builder(URI.create("grpc://127.0.0.1:" + server.port())).build()) {
            for (int u = 0; u < 20; u++) {
                InferResponse response = grpc.infer(InferRequest.builder("cpu").parameter("user_id", "user-" + u)
                        .input(Tensor.fp32("input", new long[] {1, 6}, new float[6])).build());
                assertThat(response.parameters().get("variant")).as("gRPC user-%d", u).isEqualTo(seen.get("user-" + u));
            }
        }

        JsonNode ab = http.admin("GET", "/admin/ab/cpu", null);
        assertThat(ab.path("variants").path("champion").path("share").asDouble()).isEqualTo(0.7);
        assertThat(ab.path("samples_a").asLong() + ab.path("samples_b").asLong()).isEqualTo(users);
        assertThat(ab.path("accuracy_a").asDouble()).isEqualTo(1.0);
        assertThat(ab.path("verdict").asText()).isNotEmpty();
        String metrics = http.metrics();
        assertThat(metrics).contains("ab_traffic_split_ratio{model=\"cpu\",variant=\"champion\",version=\"1\"} 0.7")
                .contains("ab_traffic_split_ratio{model=\"cpu\",variant=\"challenger\",version=\"2\"} 0.3")
                .contains("model_accuracy{model=\"cpu\",variant=\"champion\",version=\"1\"} 1.0")
                .containsPattern("p_value\\{kind=\"always_valid\",model=\"cpu\"}")
                .contains("model_latency_seconds_bucket{model=\"cpu\",variant=\"challenger\",version=\"2\"");

        JsonNode unknown = OpsFixture.JSON.readTree(http.send("POST", "/feedback",
                "{\"model\":\"cpu\",\"id\":\"no-such-request\",\"labels\":[1]}").body());
        assertThat(unknown.path("error").asText()).contains("no-such-request");
        assertThat(http.send("GET", "/admin/ab/cpu", null).statusCode()).isEqualTo(401);
    }

    /** Delegates everything to a scorer. */
    private static class Wrapped implements Scorer {
        private final Scorer delegate;

        Wrapped(Scorer delegate) {
            this.delegate = delegate;
        }

        @Override
        public ModelInfo model() {
            return delegate.model();
        }

        @Override
        public void score(FeatureBatch batch, double[] out) {
            delegate.score(batch, out);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
