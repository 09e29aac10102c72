package dev.anomalyops.registry.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.AliasChange;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.testing.TestBundles;
import dev.anomalyops.registry.mlflow.testing.FakeMlflowServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link MlflowModelRegistry} writes to MLflow and how it copes with MLflow's semantics, against
 * {@link FakeMlflowServer}, an in-process stand-in for MLflow (MLflow itself cannot run here); the shared
 * contract is in {@link MlflowModelRegistryContractTest}.
 */
class MlflowModelRegistryTest {
    @TempDir
    Path temp;

    private final List<FakeMlflowServer> servers = new ArrayList<>();
    private final AtomicInteger caches = new AtomicInteger();

    @AfterEach
    void stopServers() {
        servers.forEach(FakeMlflowServer::close);
    }

    private FakeMlflowServer start(FakeMlflowServer.Builder builder) throws Exception {
        FakeMlflowServer server = builder.start();
        servers.add(server);
        return server;
    }

    private MlflowModelRegistry.Builder registry(FakeMlflowServer server) {
        return MlflowModelRegistry.builder(server.uri()).cacheDirectory(temp.resolve("cache-" + caches.incrementAndGet()))
                .pollInterval(Duration.ofMillis(5)).retryBackoff(Duration.ofMillis(1));
    }

    private ModelBundle bundle(long seed) {
        return TestBundles.write(temp.resolve("bundle-" + seed + "-" + System.nanoTime()), "cpu", seed);
    }

    private static JsonNode version(RawClient raw, String model, int version) {
        return raw.get("model-versions/get", "name", model, "version", Integer.toString(version)).json()
                .path("model_version");
    }

    @Test
    void storesTheBundleByteForByteAsRunArtifactsBesideAnMlmodelFile() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        RawClient raw = new RawClient(server.uri());
        ModelBundle original = bundle(7);
        ModelVersion version;
        try (MlflowModelRegistry registry = registry(server).experiment("sre-models").user("ci-bot").build()) {
            version = registry.register("cpu", original, Map.of("run", "r7", "team", "sre"));
        }

        JsonNode mv = version(raw, "cpu", version.version());
        String runId = mv.path("run_id").asText();
        JsonNode experiment = raw.get("experiments/get-by-name", "experiment_name", "sre-models").json()
                .path("experiment");
        String directory = experiment.path("experiment_id").asText() + "/" + runId + "/artifacts/model";
        assertThat(mv.path("source").asText()).isEqualTo("mlflow-artifacts:/" + directory);
        List<String> uploaded = new ArrayList<>(original.manifest().files().keySet());
        uploaded.add(ModelBundle.MANIFEST_FILE);
        for (String file : uploaded) {
            assertThat(server.artifact(directory + "/" + file)).as(file)
                    .hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(readBytes(original.directory()
                            .resolve(file))));
        }
        String mlmodel = new String(server.artifact(directory + "/MLmodel").orElseThrow(), StandardCharsets.UTF_8);
        assertThat(mlmodel).contains("anomalyops:", "bundle_checksum: '" + original.checksum() + "'", "xgboost:",
                "data: 'model.json'", "model_format: json", "run_id: '" + runId + "'");

        Map<String, String> tags = new java.util.TreeMap<>();
        mv.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        assertThat(tags).containsEntry("anomalyops.bundle_checksum", original.checksum())
                .containsEntry("anomalyops.bundle_version", "v7")
                .containsEntry("anomalyops.format", "xgboost-json")
                .containsEntry("anomalyops.schema_fingerprint", TestBundles.SCHEMA.fingerprint())
                .containsEntry("anomalyops.registered_at", version.registeredAt().toString())
                .containsEntry("run", "r7").containsEntry("team", "sre");
        assertThat(server.params(runId)).containsEntry("seed", "7").containsEntry("anomalyops.format", "xgboost-json")
                .containsEntry("anomalyops.feature_count", "4").containsEntry("anomalyops.threshold", "0.5");
        assertThat(server.metricCount(runId)).isEqualTo(1);
        assertThat(server.runStatus(runId)).isEqualTo("FINISHED");
        JsonNode run = raw.get("runs/get", "run_id", runId).json().path("run");
        assertThat(run.path("data").path("tags").toString()).contains("\"mlflow.user\"", "\"ci-bot\"",
                "\"mlflow.source.type\"", "\"JOB\"");

        // A second client with an empty cache reads the very same bytes back, checksums verified.
        try (MlflowModelRegistry other = registry(server).experiment("sre-models").build()) {
            ModelVersion found = other.get("cpu", version.version());
            assertThat(found).isEqualTo(version);
            ModelBundle opened = other.open(found);
            assertThat(opened.checksum()).isEqualTo(original.checksum());
            for (String file : uploaded) {
                assertThat(readBytes(opened.directory().resolve(file))).as(file)
                        .isEqualTo(readBytes(original.directory().resolve(file)));
            }
        }
    }

    @Test
    void followsPageTokensInEveryListing() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder().maxPageSize(2));
        try (MlflowModelRegistry registry = registry(server).build()) {
            int seed = 0;
            for (String model : List.of("cpu", "cpu", "cpu", "mem", "mem", "disk")) {
                registry.register(model, bundle(++seed), Map.of("team", "sre"));
            }
            server.clearRequests();
            assertThat(registry.models()).containsExactly("cpu", "disk", "mem");
            assertThat(registry.versions("cpu")).extracting(ModelVersion::version).containsExactly(1, 2, 3);
            assertThat(registry.search(Map.of("team", "sre"))).extracting(ModelVersion::ref)
                    .containsExactly("cpu/1", "cpu/2", "cpu/3", "disk/1", "mem/1", "mem/2");
        }
        List<FakeMlflowServer.Request> modelPages = server.requests("GET", "registered-models/search");
        assertThat(modelPages).hasSize(2);
        assertThat(modelPages.get(1).query()).contains("page_token=");
        assertThat(server.requests("GET", "model-versions/search"))
                .filteredOn(r -> r.query().contains("page_token=")).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void logsParametersAndMetricsInBatchesWithinMlflowLimits() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        ModelBundle.Builder builder = ModelBundle.builder("cpu", "v1")
                .model(ModelFormat.XGBOOST_UBJ, "model.ubj", new byte[] {1, 2, 3})
                .schema(TestBundles.SCHEMA)
                .createdAt(Instant.parse("2026-11-29T00:00:00Z"))
                .hyperParameter("learning rate (η)", "0.1")
                .hyperParameter("anomalyops.alias.champion.0000000001", "must not pose as a journal entry");
        for (int i = 0; i < 250; i++) {
            builder.hyperParameter("p" + i, Integer.toString(i));
        }
        for (int i = 0; i < 1500; i++) {
            builder.metric("auc_fold_" + i, i / 1500.0);
        }
        ModelBundle bundle = builder.writeTo(temp.resolve("big"));
        try (MlflowModelRegistry registry = registry(server).build()) {
            registry.register("cpu", bundle, Map.of());
        }
        List<FakeMlflowServer.Request> batches = server.requests("POST", "runs/log-batch");
        assertThat(batches).hasSize(3);
        for (FakeMlflowServer.Request batch : batches) {
            JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(batch.body());
            assertThat(body.path("params").size()).isLessThanOrEqualTo(100);
            assertThat(body.path("params").size() + body.path("metrics").size()).isLessThanOrEqualTo(1000);
        }
        String runId = server.requests("POST", "runs/log-batch").get(0).body().replaceAll(
                "(?s).*\"run_id\":\"([0-9a-f]+)\".*", "$1");
        Map<String, String> params = server.params(runId);
        // 252 hyper-parameters plus 5 facts; names MLflow would refuse are cleaned, none poses as journal entry.
        assertThat(params).hasSize(257).containsEntry("p249", "249").containsEntry("learning rate _η_", "0.1")
                .containsEntry("hp.anomalyops.alias.champion.0000000001", "must not pose as a journal entry")
                .containsEntry("anomalyops.format", "xgboost-ubj");
        assertThat(server.metricCount(runId)).isEqualTo(1500);
    }

    @Test
    void waitsUntilMlflowMarksANewVersionReady() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder().pendingReads(3));
        try (MlflowModelRegistry registry = registry(server).build()) {
            ModelVersion version = registry.register("cpu", bundle(1), Map.of());
            assertThat(version.version()).isEqualTo(1);
            assertThat(server.requests("GET", "model-versions/get")).hasSize(3);
            assertThat(registry.versions("cpu")).containsExactly(version);
        }
    }

    @Test
    void aVersionWhoseCreationAnswerWasLostIsFoundRatherThanCreatedTwice() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        server.loseAnswerOfNext("POST", "model-versions/create", 1);
        try (MlflowModelRegistry registry = registry(server).build()) {
            ModelVersion version = registry.register("cpu", bundle(1), Map.of());
            assertThat(version.version()).isEqualTo(1);
            assertThat(server.requests("POST", "model-versions/create")).hasSize(1);
            assertThat(registry.versions("cpu")).containsExactly(version);
            assertThat(registry.register("cpu", bundle(2), Map.of()).version()).isEqualTo(2);
        }
    }

    @Test
    void aMoverThatLosesTheRaceForAJournalEntryRetriesOnTopOfTheWinner() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        try (MlflowModelRegistry first = registry(server).build();
                MlflowModelRegistry second = registry(server).build()) {
            for (int seed = 1; seed <= 3; seed++) {
                first.register("cpu", bundle(seed), Map.of());
            }
            first.setAlias("cpu", Aliases.CHAMPION, 1);
            // The second client moves the alias after the first has read the journal but before its write.
            server.beforeNext("POST", "runs/log-parameter", () -> second.setAlias("cpu", Aliases.CHAMPION, 2));
            AliasChange change = first.setAlias("cpu", Aliases.CHAMPION, 3);

            assertThat(change.previous()).hasValue(2);
            assertThat(change.current()).isEqualTo(3);
            assertThat(server.requests("POST", "runs/log-parameter")).hasSize(4);
            assertThat(second.resolve("cpu", Aliases.CHAMPION)).map(ModelVersion::version).hasValue(3);
            assertThat(second.rollback("cpu", Aliases.CHAMPION).current()).isEqualTo(2);
            assertThat(first.rollback("cpu", Aliases.CHAMPION).current()).isEqualTo(1);
            assertThatThrownBy(() -> first.rollback("cpu", Aliases.CHAMPION)).isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void aJournalClaimWhoseAnswerWasLostIsRecognisedAsItsOwn() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        RawClient raw = new RawClient(server.uri());
        try (MlflowModelRegistry registry = registry(server).build()) {
            registry.register("cpu", bundle(1), Map.of());
            registry.register("cpu", bundle(2), Map.of());
            registry.setAlias("cpu", Aliases.PRODUCTION, 1);
            server.loseAnswerOfNext("POST", "runs/log-parameter", 1);
            AliasChange change = registry.setAlias("cpu", Aliases.PRODUCTION, 2);
            assertThat(change.previous()).hasValue(1);
            assertThat(change.current()).isEqualTo(2);
            String journal = version(raw, "cpu", 1).path("run_id").asText();
            assertThat(server.params(journal).keySet()).filteredOn(k -> k.startsWith("anomalyops.alias."))
                    .containsExactlyInAnyOrder("anomalyops.alias.production.0000000001",
                            "anomalyops.alias.production.0000000002");
            assertThat(registry.rollback("cpu", Aliases.PRODUCTION).current()).isEqualTo(1);
        }
    }

    @Test
    void createsAVersionAgainOnlyWhenMlflowItselfGaveUp() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        // The SQL store answers INTERNAL_ERROR after three version-number collisions: nothing was created.
        server.failNext("POST", "model-versions/create", 500, "INTERNAL_ERROR", 2);
        try (MlflowModelRegistry registry = registry(server).maxAttempts(3).build()) {
            assertThat(registry.register("cpu", bundle(1), Map.of()).version()).isEqualTo(1);
            assertThat(server.requests("POST", "model-versions/create")).hasSize(3);
            // A gateway timeout says nothing about whether MLflow made the version: no blind second request.
            server.failNextWithBody("POST", "model-versions/create", 504, "text/html", "<h1>Gateway Timeout</h1>", 1);
            assertThatThrownBy(() -> registry.register("cpu", bundle(2), Map.of()))
                    .isInstanceOf(dev.anomalyops.core.RetriableException.class).hasMessageContaining("HTTP 504");
            assertThat(server.requests("POST", "model-versions/create")).hasSize(4);
            assertThat(registry.versions("cpu")).extracting(ModelVersion::version).containsExactly(1);
        }
    }

    @Test
    void aJournalClaimThatFailedTransientlyIsMadeAgain() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        try (MlflowModelRegistry registry = registry(server).build()) {
            registry.register("cpu", bundle(1), Map.of());
            registry.register("cpu", bundle(2), Map.of());
            registry.setAlias("cpu", Aliases.CHAMPION, 1);
            server.failNext("POST", "runs/log-parameter", 503, "TEMPORARILY_UNAVAILABLE", 1);
            AliasChange change = registry.setAlias("cpu", Aliases.CHAMPION, 2);
            assertThat(change.previous()).hasValue(1);
            assertThat(change.current()).isEqualTo(2);
            assertThat(server.requests("POST", "runs/log-parameter")).hasSize(3);
            assertThat(registry.rollback("cpu", Aliases.CHAMPION).current()).isEqualTo(1);
            assertThatThrownBy(() -> registry.rollback("cpu", Aliases.CHAMPION)).isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void aClaimThatLandsLateIsNotAppliedTwice() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        RawClient raw = new RawClient(server.uri());
        try (MlflowModelRegistry registry = registry(server).build()) {
            for (int seed = 1; seed <= 3; seed++) {
                registry.register("cpu", bundle(seed), Map.of());
                registry.setAlias("cpu", Aliases.CHAMPION, seed);
            }
            // The rollback's claim fails without effect, the registry finds nobody holding the entry, and then
            // the very same request lands after all (as a request stuck in a proxy would) before it reads again.
            server.failNext("POST", "runs/log-parameter", 503, "TEMPORARILY_UNAVAILABLE", 1);
            server.beforeNext("POST", "runs/log-parameter", () -> server.beforeNext("GET", "runs/get",
                    () -> server.beforeNext("GET", "runs/get", () -> {
                        List<FakeMlflowServer.Request> claims = server.requests("POST", "runs/log-parameter");
                        raw.post("runs/log-parameter", claims.get(claims.size() - 1).body());
                    })));
            AliasChange back = registry.rollback("cpu", Aliases.CHAMPION);
            assertThat(back.previous()).hasValue(3);
            assertThat(back.current()).isEqualTo(2);
            assertThat(registry.resolve("cpu", Aliases.CHAMPION)).map(ModelVersion::version).hasValue(2);
            assertThat(registry.rollback("cpu", Aliases.CHAMPION).current()).isEqualTo(1);
            assertThatThrownBy(() -> registry.rollback("cpu", Aliases.CHAMPION)).isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void versionsRegisteredByOtherToolsAreSkippedButKeepTheirNumbers() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        RawClient raw = new RawClient(server.uri());
        assertThat(raw.post("registered-models/create", "{\"name\":\"cpu\"}").status()).isEqualTo(200);
        assertThat(raw.post("model-versions/create", "{\"name\":\"cpu\",\"source\":\"mlflow-artifacts:/0/x/artifacts/m\"}")
                .json().path("model_version").path("version").asText()).isEqualTo("1");
        try (MlflowModelRegistry registry = registry(server).build()) {
            assertThat(registry.models()).isEmpty();
            ModelVersion ours = registry.register("cpu", bundle(1), Map.of("run", "a"));
            assertThat(ours.version()).isEqualTo(2);
            assertThat(registry.models()).containsExactly("cpu");
            assertThat(registry.versions("cpu")).containsExactly(ours);
            assertThat(registry.find("cpu", 1)).isEmpty();
            assertThat(registry.search(Map.of())).containsExactly(ours);
            assertThatThrownBy(() -> registry.setAlias("cpu", Aliases.CHAMPION, 1))
                    .isInstanceOf(NotFoundException.class);
            registry.setAlias("cpu", Aliases.CHAMPION, 2);
            assertThat(registry.resolve("cpu", Aliases.CHAMPION)).hasValue(ours);
        }
    }

    @Test
    void anAliasMovedOutsideAnomalyOpsIsVisibleButNotInTheHistory() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        RawClient raw = new RawClient(server.uri());
        try (MlflowModelRegistry registry = registry(server).build()) {
            for (int seed = 1; seed <= 3; seed++) {
                registry.register("cpu", bundle(seed), Map.of());
            }
            registry.setAlias("cpu", Aliases.CHAMPION, 1);
            registry.setAlias("cpu", Aliases.CHAMPION, 2);
            // Someone moves the alias in the MLflow UI.
            assertThat(raw.post("registered-models/alias", "{\"name\":\"cpu\",\"alias\":\"champion\",\"version\":\"3\"}")
                    .status()).isEqualTo(200);
            assertThat(registry.resolve("cpu", Aliases.CHAMPION)).map(ModelVersion::version).hasValue(3);
            assertThat(registry.aliases("cpu")).containsEntry("champion", 3);
            // The journal knows 1 -> 2 only: a rollback steps back from 2, and MLflow follows.
            AliasChange back = registry.rollback("cpu", Aliases.CHAMPION);
            assertThat(back.previous()).hasValue(2);
            assertThat(back.current()).isEqualTo(1);
            assertThat(raw.get("registered-models/alias", "name", "cpu", "alias", "champion").json()
                    .path("model_version").path("version").asText()).isEqualTo("1");
            // Setting the alias to what the journal already says repairs a stale MLflow alias.
            raw.post("registered-models/alias", "{\"name\":\"cpu\",\"alias\":\"champion\",\"version\":\"3\"}");
            assertThat(registry.setAlias("cpu", Aliases.CHAMPION, 1).changed()).isFalse();
            assertThat(registry.resolve("cpu", Aliases.CHAMPION)).map(ModelVersion::version).hasValue(1);
            // An alias set only outside AnomalyOps can still be deleted through it.
            raw.post("registered-models/alias", "{\"name\":\"cpu\",\"alias\":\"canary\",\"version\":\"2\"}");
            registry.deleteAlias("cpu", "canary");
            assertThat(registry.aliases("cpu")).doesNotContainKey("canary");
        }
    }

    @Test
    void mirrorsStagingAndProductionToStagesOnServersWithoutAliases() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder().aliasEndpoints(false));
        RawClient raw = new RawClient(server.uri());
        try (MlflowModelRegistry registry = registry(server).aliasMode(MlflowModelRegistry.AliasMode.STAGES).build()) {
            registry.register("cpu", bundle(1), Map.of());
            registry.register("cpu", bundle(2), Map.of());
            registry.setAlias("cpu", Aliases.PRODUCTION, 1);
            registry.setAlias("cpu", Aliases.PRODUCTION, 2);
            assertThat(version(raw, "cpu", 2).path("current_stage").asText()).isEqualTo("Production");
            assertThat(version(raw, "cpu", 1).path("current_stage").asText()).isEqualTo("Archived");
            registry.setAlias("cpu", Aliases.STAGING, 1);
            assertThat(version(raw, "cpu", 1).path("current_stage").asText()).isEqualTo("Staging");
            registry.setAlias("cpu", Aliases.CHAMPION, 1);
            assertThat(registry.aliases("cpu")).containsExactlyInAnyOrderEntriesOf(
                    Map.of("production", 2, "staging", 1, "champion", 1));
            registry.deleteAlias("cpu", Aliases.STAGING);
            assertThat(version(raw, "cpu", 1).path("current_stage").asText()).isEqualTo("None");
            assertThat(registry.rollback("cpu", Aliases.PRODUCTION).current()).isEqualTo(1);
            assertThat(version(raw, "cpu", 1).path("current_stage").asText()).isEqualTo("Production");
            assertThat(registry.resolve("cpu", Aliases.PRODUCTION)).map(ModelVersion::version).hasValue(1);
        }
        try (MlflowModelRegistry aliases = registry(server).build()) {
            assertThatThrownBy(() -> aliases.setAlias("cpu", Aliases.CHAMPION, 2))
                    .isInstanceOf(NonRetriableException.class)
                    .hasMessageContaining("MLflow 2.3")
                    .hasMessageContaining("aliasMode(AliasMode.STAGES)");
        }
    }

    @Test
    void refusesArtifactStoresOutsideTheProxyBeforeCreatingAVersion() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder().artifactRoot("s3://bucket/mlflow"));
        try (MlflowModelRegistry registry = registry(server).build()) {
            assertThatThrownBy(() -> registry.register("cpu", bundle(1), Map.of()))
                    .isInstanceOf(NonRetriableException.class)
                    .hasMessageContaining("s3://bucket/mlflow/1/")
                    .hasMessageContaining("mlflow-artifacts:/");
            assertThat(server.requests("POST", "model-versions/create")).isEmpty();
            assertThat(server.artifactPaths()).isEmpty();
            String runId = server.requests("POST", "runs/update").get(0).body()
                    .replaceAll("(?s).*\"run_id\":\"([0-9a-f]+)\".*", "$1");
            assertThat(server.runStatus(runId)).isEqualTo("FAILED");
            assertThat(registry.models()).isEmpty();
        }
    }

    @Test
    void detectsABundleCorruptedInTheArtifactStore() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        ModelVersion version;
        try (MlflowModelRegistry registry = registry(server).build()) {
            version = registry.register("cpu", bundle(1), Map.of());
        }
        String model = server.artifactPaths().stream().filter(p -> p.endsWith("/model.json")).findFirst()
                .orElseThrow();
        byte[] bytes = server.artifact(model).orElseThrow();
        bytes[0] ^= 1;
        server.replaceArtifact(model, bytes);
        try (MlflowModelRegistry reader = registry(server).build()) {
            assertThatThrownBy(() -> reader.open(version)).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("SHA-256");
        }
        String manifest = model.replace("/model.json", "/manifest.json");
        server.replaceArtifact(manifest, "{\"files\":{\"../escape\":\"00\"}}".getBytes(StandardCharsets.UTF_8));
        try (MlflowModelRegistry reader = registry(server).build()) {
            assertThatThrownBy(() -> reader.open(version)).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("not a plain bundle file name");
        }
    }

    @Test
    void opensACachedBundleWithoutDownloadingItAgain() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        try (MlflowModelRegistry registry = registry(server).build()) {
            ModelVersion version = registry.register("cpu", bundle(1), Map.of());
            ModelBundle first = registry.open(version);
            int downloads = server.requests().size();
            ModelBundle second = registry.open(version);
            assertThat(server.requests()).hasSize(downloads);
            assertThat(second.directory()).isEqualTo(first.directory());
            assertThat(second.checksum()).isEqualTo(version.bundleChecksum());
        }
    }

    @Test
    void rejectsWhatMlflowWouldRefuseBeforeSendingAnything() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        ModelBundle bundle = bundle(1);
        try (MlflowModelRegistry registry = registry(server).build()) {
            assertThatThrownBy(() -> registry.register("cpu", bundle, Map.of("anomalyops.bundle_checksum", "x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
            assertThatThrownBy(() -> registry.register("cpu", bundle, Map.of("mlflow.user", "x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
            assertThatThrownBy(() -> registry.register("cpu", bundle, Map.of("a=b", "x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a=b\"");
            assertThatThrownBy(() -> registry.register("cpu", bundle, Map.of("note", "x".repeat(5001))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5000");
            assertThatThrownBy(() -> registry.setAlias("cpu", "latest", 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved by MLflow");
            assertThatThrownBy(() -> registry.setAlias("cpu", "v2", 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved by MLflow");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void findsOrCreatesTheExperimentEvenWhenAnotherClientCreatesItFirst() throws Exception {
        FakeMlflowServer server = start(FakeMlflowServer.builder());
        RawClient raw = new RawClient(server.uri());
        server.beforeNext("POST", "experiments/create",
                () -> raw.post("experiments/create", "{\"name\":\"anomalyops\"}"));
        try (MlflowModelRegistry registry = registry(server).build()) {
            registry.register("cpu", bundle(1), Map.of());
        }
        try (MlflowModelRegistry registry = registry(server).build()) {
            registry.register("cpu", bundle(2), Map.of());
        }
        assertThat(server.requests("POST", "experiments/create")).hasSize(2);
        String id = raw.get("experiments/get-by-name", "experiment_name", "anomalyops").json().path("experiment")
                .path("experiment_id").asText();
        assertThat(server.requests("POST", "runs/create")).allSatisfy(r -> assertThat(r.body())
                .contains("\"experiment_id\":\"" + id + "\""));
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
