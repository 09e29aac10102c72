package dev.anomalyops.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.app.cli.AnomalyOpsCli;
import dev.anomalyops.app.cli.Output;
import dev.anomalyops.app.server.InferenceServer;
import dev.anomalyops.app.server.ReferenceServer;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.testing.SharedData;
import dev.anomalyops.registry.s3.testing.S3ProxyServer;
import dev.anomalyops.rollout.CanaryPolicy;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * {@code anomalyops demo} end to end through the real command line on a slice of the public data (the first 6,000
 * rows of each split of SMD machine-1-2, which hold three labelled incidents, and the HDFS log sample), then the
 * retraining job on what the demo left: idempotent per run id, and a run that fails its gate leaves the registry
 * unchanged. The HTML report is rendered by headless Chromium (Debian's {@code chromium} package, which
 * {@code .ci/run} installs); that one test is skipped, saying why, where Chromium is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoEndToEndTest {
    @TempDir
    static Path temp;

    private Run demo;
    private JsonNode summary;

    record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return Output.mapper().readTree(out);
        }
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AnomalyOpsCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static Path dataRoot() {
        return SharedData.require("smd/train/machine-1-2.txt.gz").getParent().getParent().getParent();
    }

    @BeforeAll
    void runDemo() throws Exception {
        demo = cli("demo", "--data", dataRoot().toString(), "--work-dir", temp.toString(), "--max-rows", "6000",
                "--set", "detector.trees=60");
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        // The text report went to stdout; the same figures as --json prints are in summary.json.
        summary = Output.mapper().readTree(temp.resolve("demo/summary.json").toFile());
    }

    @Test
    void runsEveryStageAndReportsProgressOnStderr() {
        assertThat(summary.get("stages").fieldNames()).toIterable().containsExactly("ingest", "validate", "features",
                "parse logs", "detect and review", "train champion and challenger", "register", "serve and A/B", "drift",
                "explain");
        assertThat(demo.err()).contains("[1/10] ingest", "[10/10] explain", "[##############################] 100%");
        JsonNode logs = summary.get("logs").get(0);
        assertThat(logs.get("system").asText()).isEqualTo("HDFS");
        assertThat(logs.get("parsed").asLong() + logs.get("rejected").asLong()).isEqualTo(2000);
        assertThat(logs.get("parsed").asLong()).as("the HDFS preset reads Loghub's HDFS sample").isEqualTo(2000);
        assertThat(logs.get("templates").asInt()).isBetween(5, 200);
        assertThat(summary.get("ingest").get("rows").get("test/machine-1-2").asLong()).isEqualTo(6000);
        assertThat(summary.get("ingest").get("logLines").get("HDFS").asLong()).isEqualTo(2000);
        JsonNode validation = summary.get("validation");
        assertThat(validation.get("valid").asLong() + validation.get("quarantined").asLong())
                .isEqualTo(validation.get("rowsIn").asLong()).isEqualTo(12000);
    }

    @Test
    void detectorFindsTheLabelledIncidentsBetterThanChance() {
        JsonNode detector = summary.get("detector");
        JsonNode metrics = detector.get("metrics");
        assertThat(metrics.get("roc_auc").asDouble()).isGreaterThan(0.6);
        JsonNode review = detector.get("review");
        assertThat(review.get("queued").asInt()).isEqualTo(review.get("answered").asInt()).isPositive();
        assertThat(review.get("queued").asInt()).isLessThanOrEqualTo(
                (int) Math.ceil(0.2 * review.get("flagged").asInt()) + 1);
        assertThat(summary.get("registered").asText()).isEqualTo("smd/1");
        assertThat(summary.get("notes").toString()).contains("answered from the dataset's labels");
    }

    @Test
    void trainsChampionAndChallengerWithCrossValidationAndGates() {
        JsonNode training = summary.get("training");
        assertThat(training.get("models")).extracting(m -> m.get("role").asText())
                .containsExactly("champion", "challenger");
        assertThat(training.toString()).contains("xgboost", "lightgbm");
        assertThat(training.get("cross_validation").get("folds")).hasSize(3);
        int rows = training.get("train_rows").asInt() + training.get("holdout_rows").asInt();
        int testRows = summary.get("features").get("rows").get("test/machine-1-2").asInt();
        assertThat(rows).isEqualTo((int) Math.round(testRows * Demo.SUPERVISED_SHARE));
        boolean passed = training.get("quality_gates").get("passed").asBoolean();
        assertThat(summary.has("registeredChampion")).isEqualTo(passed);
        if (passed) {
            assertThat(summary.get("registeredChampion").asText()).isEqualTo("smd/2");
        }
    }

    @Test
    void scoresTheHeldOutStreamThroughTheServersAbRouter() {
        JsonNode serving = summary.get("serving");
        int testRows = summary.get("features").get("rows").get("test/machine-1-2").asInt();
        int streamRows = testRows - (int) Math.round(testRows * Demo.SUPERVISED_SHARE);
        assertThat(serving.get("rows").asInt()).isEqualTo(streamRows);
        assertThat(serving.get("requests").asInt()).isEqualTo((streamRows + Serving.ROWS_PER_REQUEST - 1)
                / Serving.ROWS_PER_REQUEST);
        JsonNode variants = serving.get("variants");
        int requests = 0;
        int rows = 0;
        for (JsonNode v : variants) {
            requests += v.get("requests").asInt();
            rows += v.get("rows").asInt();
        }
        assertThat(requests).isEqualTo(serving.get("requests").asInt());
        assertThat(rows).isEqualTo(streamRows);
        java.util.Set<String> versions = new java.util.TreeSet<>();
        variants.forEach(v -> v.get("versions").forEach(x -> versions.add(x.asText())));
        if (serving.get("abTest").asBoolean()) {
            // 50/50 by user id over the requests: both registry versions answered, each well away from 0% and 100%.
            assertThat(variants).hasSize(2);
            assertThat(versions).containsExactly("1", "2");
            variants.forEach(v -> assertThat(v.get("share").asDouble()).isBetween(0.25, 0.75));
        } else {
            assertThat(variants).hasSize(1);
            assertThat(versions).containsExactly("1");
        }
    }

    @Test
    void explainsTheTopAnomaliesWithTheEmbeddedExplainerFromEarlierIncidentsOnly() {
        JsonNode rag = summary.get("ragExplanations");
        assertThat(rag).hasSize(summary.get("explanations").size());
        for (JsonNode e : rag) {
            JsonNode x = e.get("explanation");
            for (String section : dev.anomalyops.rag.Explanation.SECTIONS) {
                assertThat(x.get("sections").get(section).asText()).as(section).isNotBlank();
            }
            assertThat(x.get("generator").asText()).isEqualTo("template");
            assertThat(x.get("grounding").get("checked").asBoolean()).isTrue();
            java.time.Instant at = java.time.Instant.parse(e.get("timestamp").asText());
            for (JsonNode incident : x.path("incidents")) {
                assertThat(incident.toString()).contains("machine-1-2: metrics");
                String occurred = incident.get("occurred_at").asText();
                assertThat(java.time.Instant.parse(occurred)).as("only incidents before the anomaly").isBefore(at);
            }
        }
        assertThat(demo.out()).contains("explained      " + rag.size() + " anomalies by the embedded explainer");
    }

    @Test
    void shiftedStreamDriftsMoreThanTheHeldOutSplitOnTheShiftedMetrics() {
        JsonNode heldOut = summary.get("drift").get(0);
        JsonNode shifted = summary.get("drift").get(1);
        assertThat(shifted.get("name").asText()).startsWith("shifted stream");
        double heldOutPsi = psi(heldOut, "m01");
        double shiftedPsi = psi(shifted, "m01");
        assertThat(shiftedPsi).isGreaterThan(heldOutPsi).isGreaterThanOrEqualTo(0.25);
        // An unshifted metric is computed from the same rows in both, so its PSI is the same.
        assertThat(psi(shifted, "m30")).isCloseTo(psi(heldOut, "m30"), org.assertj.core.data.Offset.offset(1e-9));
    }

    private static double psi(JsonNode comparison, String feature) {
        for (JsonNode f : comparison.get("features")) {
            if (f.get("feature").asText().equals(feature)) {
                return f.get("psi").asDouble();
            }
        }
        throw new AssertionError("no feature " + feature);
    }

    @Test
    void writesASelfContainedHtmlReport() throws Exception {
        Path report = Path.of(summary.get("report").asText());
        String html = Files.readString(report);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("Confusion matrix", "Precision-recall curve",
                "Drift per feature", "Explained anomalies", "<svg", "Champion and challenger", "Cross-validation",
                "Quality gates", "Served through the A/B router", "Explanations from past incidents");
        assertThat(html).doesNotContain("http://", "<script").as("nothing fetched from the network")
                .doesNotContainPattern("src=\"https?:");
        long tp = summary.get("explanations").size();
        assertThat(tp).isEqualTo(5);
    }

    @Test
    void chromiumRendersTheReport() throws Exception {
        Path report = Path.of(summary.get("report").asText());
        Path png = temp.resolve("report.png");
        Chromium.screenshot(report, png, 1200, 2600);
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        int inked = 0;
        int blue = 0;
        int red = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                inked += rgb != 0xffffff ? 1 : 0;
                blue += near(rgb, 0x1f6feb) ? 1 : 0;
                red += near(rgb, 0xd1242f) ? 1 : 0;
            }
        }
        assertThat(inked).as("text and tables drawn").isGreaterThan(10_000);
        assertThat(blue).as("the PR curve and PSI bars (SVG) drawn").isGreaterThan(50);
        assertThat(red).as("the drifted features' bars drawn").isGreaterThan(50);
    }

    private static boolean near(int rgb, int target) {
        return Math.abs(((rgb >> 16) & 0xff) - ((target >> 16) & 0xff)) < 12
                && Math.abs(((rgb >> 8) & 0xff) - ((target >> 8) & 0xff)) < 12
                && Math.abs((rgb & 0xff) - (target & 0xff)) < 12;
    }

    @Test
    void textOutputIsAShortReport() {
        assertThat(demo.out()).contains("AnomalyOps demo: machine-1-2, 12,000 metric rows, 2,000 log lines",
                "detector       Isolation Forest: ROC-AUC", "registry       smd/1 -> production", "gates          ",
                "served         ",
                "Report: " + temp.resolve("demo/report.html").toAbsolutePath()).doesNotContain("[1/10]");
        assertThat(demo.out().lines().count()).isLessThan(25);
    }

    @Test
    void retrainIsIdempotentPerRunIdAndAFailedGateLeavesTheRegistryUnchanged() throws Exception {
        Path work = temp.resolve("demo");
        Path registry = work.resolve("registry");
        int before = summary.has("registeredChampion") ? 2 : 1;
        String[] common = {"--data", dataRoot().toString(), "--work-dir", work.toString(), "--max-rows", "6000",
            "--registry", registry.toString(), "--set", "detector.trees=30", "--json"};

        Run failing = cli(concat(new String[] {"retrain", "--run-id", "r-fail", "--set", "retrain.min-pr-auc=1.0"},
                common));
        assertThat(failing.exitCode()).as(failing.out() + failing.err()).isEqualTo(AnomalyOpsCli.FAILED);
        assertThat(failing.err()).contains("failed its gates").contains("registry is unchanged");
        try (ModelRegistry models = FileModelRegistry.open(registry)) {
            assertThat(models.versions("smd")).hasSize(before);
            assertThat(models.aliases("smd").get("production")).isEqualTo(1);
        }

        Run first = cli(concat(new String[] {"retrain", "--run-id", "r1", "--days", "30"}, common));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.json().get("ref").asText()).isEqualTo("smd/" + (before + 1));
        assertThat(first.json().get("alreadyDone").asBoolean()).isFalse();
        assertThat(first.json().get("humanLabels").asInt()).isPositive();
        assertThat(first.json().get("comparedWith").asText()).isEqualTo("smd/1");

        Run again = cli(concat(new String[] {"retrain", "--run-id", "r1", "--days", "30"}, common));
        assertThat(again.exitCode()).isZero();
        assertThat(again.json().get("alreadyDone").asBoolean()).isTrue();
        assertThat(again.json().get("ref").asText()).isEqualTo("smd/" + (before + 1));
        try (ModelRegistry models = FileModelRegistry.open(registry)) {
            assertThat(models.versions("smd")).hasSize(before + 1);
            assertThat(models.aliases("smd")).isEqualTo(Map.of("production", 1, "staging", before + 1));
            assertThat(models.get("smd", before + 1).tags()).containsEntry("run", "r1");
        }
    }

    /**
     * {@code retrain.source=s3://...}: the processed data pulled from a real S3 server on loopback (s3proxy) trains
     * the same model as the work directory's copy; a missing object fails the run before the registry changes.
     */
    @Test
    void retrainPullsProcessedDataFromS3() throws Exception {
        Workspace work = new Workspace(temp.resolve("demo"));
        Path localRegistry = copyOfDemoRegistry("reg-local");
        Path s3Registry = copyOfDemoRegistry("reg-s3");
        Map<String, String> common = Map.of("data.max-rows", "6000", "detector.trees", "30", "retrain.days", "30");
        try (S3ProxyServer server = S3ProxyServer.start(null); S3Client client = server.client()) {
            server.createBucket("processed");
            for (String split : Workspace.SPLITS) {
                client.putObject(PutObjectRequest.builder().bucket("processed")
                        .key("smd/valid/split=" + split + "/machine-1-2.parquet").build(),
                        RequestBody.fromFile(work.valid(split, "machine-1-2")));
            }
            Retrain.Result local;
            Retrain.Result viaS3;
            try (ModelRegistry models = FileModelRegistry.open(localRegistry)) {
                local = Retrain.run(config(common, Map.of()), work, models, "nightly-1", Clock.systemUTC(),
                        Progress.NONE);
            }
            int before;
            try (ModelRegistry models = FileModelRegistry.open(s3Registry)) {
                before = models.versions("smd").size();
                PipelineConfig missing = config(common, Map.of("retrain.source", "s3://processed/elsewhere"));
                assertThatThrownBy(() -> Retrain.run(missing, work, models, "nightly-1", Clock.systemUTC(),
                        Progress.NONE, server::client)).isInstanceOf(dev.anomalyops.core.NotFoundException.class)
                        .hasMessageContaining("\"valid/split=train/machine-1-2.parquet\"")
                        .hasMessageContaining("s3://processed/elsewhere");
                assertThat(models.versions("smd")).as("a failed run leaves the registry unchanged").hasSize(before);

                viaS3 = Retrain.run(config(common, Map.of("retrain.source", "s3://processed/smd")), work, models,
                        "nightly-1", Clock.systemUTC(), Progress.NONE, server::client);
                assertThat(models.versions("smd")).hasSize(before + 1);
                assertThat(models.aliases("smd")).containsEntry("staging", before + 1);
            }
            assertThat(viaS3.rows()).isEqualTo(local.rows()).isPositive();
            assertThat(viaS3.humanLabels()).isEqualTo(local.humanLabels()).isPositive();
            assertThat(viaS3.newPrAuc()).as("same data, same seed, same model").isEqualTo(local.newPrAuc());
            assertThat(work.root().resolve("retrain")).as("downloads and scratch bundles are deleted")
                    .isEmptyDirectory();
        }
    }

    /**
     * {@code retrain --canary URL} against a real in-process reference server on loopback: the new version becomes
     * the server's canary (10 % of users, sticky), re-running the run id neither registers nor restarts anything,
     * and a run without the admin token fails before it touches the registry.
     */
    @Test
    void retrainWithCanaryMovesTrafficToTheNewVersion() throws Exception {
        Path registryDir = copyOfDemoRegistry("reg-canary");
        String token = "canary-test-token";
        String[] common = {"--data", dataRoot().toString(), "--work-dir", temp.resolve("demo").toString(),
            "--max-rows", "6000", "--registry", registryDir.toString(), "--set", "detector.trees=30", "--days", "30",
            "--json"};
        ReferenceServer.Operations operations = new ReferenceServer.Operations(temp.resolve("canary-state"), token,
                CanaryPolicy.defaults(), Duration.ZERO, Map.of(), Duration.ofHours(1), Clock.systemUTC(),
                (version, scorer) -> scorer);
        try (ModelRegistry registry = FileModelRegistry.open(registryDir);
                InferenceServer server = ReferenceServer.start(registry, new ReferenceServer.Settings(0, List.of("smd"),
                        "production", ScorerOptions.defaults(), ScoringInferenceService.Batching.OFF, Duration.ZERO,
                        1 << 20, 1024, operations))) {
            String url = "http://127.0.0.1:" + server.port();
            int before = registry.versions("smd").size();

            Run noToken = cli(concat(new String[] {"retrain", "--run-id", "c1", "--canary", url, "--admin-token", ""},
                    common));
            assertThat(noToken.exitCode()).isEqualTo(AnomalyOpsCli.FAILED);
            assertThat(noToken.err()).contains("admin token");
            assertThat(registry.versions("smd")).hasSize(before);

            Run run = cli(concat(new String[] {"retrain", "--run-id", "c1", "--canary", url, "--admin-token", token},
                    common));
            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode canary = run.json().get("canary");
            int version = run.json().get("version").asInt();
            assertThat(version).isEqualTo(before + 1);
            assertThat(canary.get("started").asBoolean()).isTrue();
            assertThat(canary.get("canary_version").asInt()).isEqualTo(version);
            assertThat(canary.get("baseline_version").asInt()).isEqualTo(1);
            assertThat(canary.get("canary_percent").asInt()).isEqualTo(10);
            assertThat(registry.aliases("smd")).containsEntry("staging", version).containsEntry("production", version);

            int features = registry.open(registry.get("smd", version)).manifest().schema().size();
            HttpClient http = HttpClient.newHttpClient();
            Map<String, Integer> served = new java.util.TreeMap<>();
            for (int user = 0; user < 300; user++) {
                StringBuilder data = new StringBuilder();
                for (int f = 0; f < features; f++) {
                    data.append(f == 0 ? "" : ",").append("0.5");
                }
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url
                        + "/v2/models/smd/infer")).header("X-User-Id", "user-" + user)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,"
                                + features + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                JsonNode parameters = Output.mapper().readTree(response.body()).path("parameters");
                served.merge(parameters.path("model_version").asText() + "/" + parameters.path("variant").asText(), 1,
                        Integer::sum);
            }
            assertThat(served).containsOnlyKeys("1/baseline", version + "/canary");
            assertThat(served.get(version + "/canary")).as("about 10 %% of 300 users: %s", served).isBetween(10, 60);

            Run again = cli(concat(new String[] {"retrain", "--run-id", "c1", "--canary", url, "--admin-token", token},
                    common));
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.json().get("alreadyDone").asBoolean()).isTrue();
            assertThat(again.json().get("canary").get("started").asBoolean()).isFalse();
            assertThat(again.json().get("canary").get("canary_version").asInt()).isEqualTo(version);
            assertThat(registry.versions("smd")).hasSize(before + 1);
        }
    }

    private Path copyOfDemoRegistry(String name) throws Exception {
        Path from = temp.resolve("demo/registry");
        Path to = temp.resolve(name);
        try (java.util.stream.Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".lock")) {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private PipelineConfig config(Map<String, String> common, Map<String, String> extra) {
        Map<String, String> all = new java.util.HashMap<>(common);
        all.putAll(extra);
        all.put("data.source", dataRoot().toString());
        all.put("work-dir", temp.resolve("demo").toString());
        return PipelineConfig.load(null, n -> null, all, temp);
    }

    @Test
    void driftCommandComparesFeaturesWithTheRegisteredModel() throws Exception {
        Path work = temp.resolve("demo");
        Run drift = cli("drift", "--model", "smd@production", "--registry", work.resolve("registry").toString(),
                "--work-dir", work.toString(), "--fail-on-drift", "--json");
        assertThat(drift.exitCode()).as(drift.err()).isIn(0, 5);
        JsonNode doc = drift.json();
        assertThat(doc.get("rows").asInt()).isEqualTo(summary.get("features").get("rows").get("test/machine-1-2").asInt());
        assertThat(drift.exitCode() == 5).isEqualTo(doc.get("drifted").size() > 0);
        assertThat(doc.get("maxFeaturePsi").asDouble()).isCloseTo(summary.get("drift").get(0).get("maxFeaturePsi")
                .asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void missingDataIsAClearNotFound() {
        Run run = cli("ingest", "--data", temp.resolve("nowhere").toString(), "--work-dir", temp.resolve("w").toString());
        assertThat(run.exitCode()).isEqualTo(AnomalyOpsCli.NOT_FOUND);
        assertThat(run.err()).startsWith("anomalyops: The data folder").contains("nowhere").contains("data.source");
        Run bad = cli("features", "--set", "detector.trees=0", "--set", "review.budget=x");
        assertThat(bad.exitCode()).isEqualTo(AnomalyOpsCli.FAILED);
        assertThat(bad.err()).contains("detector.trees").contains("review.budget");
        assertThat(List.of(cli("ingest", "--help"), cli("validate", "--help"), cli("features", "--help"),
                cli("drift", "--help"), cli("retrain", "--help"), cli("demo", "--help")))
                .allSatisfy(help -> assertThat(help.exitCode()).isZero());
        assertThatThrownBy(() -> Retrain.run(PipelineConfig.defaults(), new Workspace(temp), null, "bad id!",
                Clock.systemUTC(), Progress.NONE)).hasMessageContaining("\"bad id!\"");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
