package dev.anomalyops.benchmarks.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.app.server.InferenceServer;
import dev.anomalyops.app.server.ReferenceServer;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.Prediction;
import dev.anomalyops.core.UnknownFeaturePolicy;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.XgboostJsonModels;
import dev.anomalyops.rollout.CanaryPolicy;
import dev.anomalyops.train.CsvRowSource;
import dev.anomalyops.train.detect.IsolationForest;
import dev.anomalyops.train.detect.IsolationForestModel;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.client.TritonClient;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java samples of {@code docs/guide.md} are the regions between {@code // snippet:NAME} and {@code // end:NAME}
 * here ({@link DocSamplesTest} checks the guide shows them verbatim); these tests run them on real models, and run
 * the guide's {@code curl} commands (blocks marked {@code server-check} in any doc) against a real reference server
 * on loopback.
 */
class GuideExamplesTest {
    private static final String TOKEN = "guide-admin-token-0123456789";

    @TempDir
    Path temp;

    /** A 3-feature XGBoost model ({@code cpu_user, mem_used, net_in}) as a bundle. */
    private ModelBundle cpuBundle(String version) throws IOException {
        Path modelFile = temp.resolve("cpu-model-" + version + ".json");
        XgboostJsonModels.write(modelFile, new XgboostJsonModels.Spec(3, 20, 4, 0, "binary:logistic", 0.2f), 7);
        return ModelBundle.builder("cpu", version).model(ModelFormat.XGBOOST_JSON, modelFile)
                .schema(FeatureSchema.of("cpu_user", "mem_used", "net_in")).threshold(0.5)
                .writeTo(temp.resolve("cpu-bundle-" + version));
    }

    @Test
    void embedAScorer() throws Exception {
        Path bundlePath = cpuBundle("1").directory();
        List<String> alerts = new ArrayList<>();
        // snippet:guide-embed
        // At start-up: one thread-safe scorer for the whole service.
        Scorer scorer = Scorers.open(bundlePath);     // a bundle directory or zip, or a bare XGBoost/CatBoost model
        FeatureSchema schema = scorer.model().schema();

        // Per request: named values to a row (absent ones become NaN = missing), then score it.
        float[] row = schema.toRow(Map.of("cpu_user", 0.93, "mem_used", 0.41, "net_in", 1250.0),
                UnknownFeaturePolicy.REJECT);
        Prediction prediction = scorer.predict(row);
        if (prediction.isAnomaly()) {
            alerts.add("cpu anomaly, p=" + prediction.anomalyProbability() + " (model " + prediction.modelVersion() + ")");
        }

        scorer.close();                               // at shutdown
        // end:guide-embed
        assertThat(prediction.anomalyProbability()).isBetween(0.0, 1.0);
        assertThat(prediction.modelVersion()).isEqualTo("1");
        assertThat(alerts).hasSize(prediction.isAnomaly() ? 1 : 0);
    }

    @Test
    void trainOnYourOwnData() throws Exception {
        Path historyCsv = temp.resolve("history.csv");
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder csv = new StringBuilder("ts,cpu_user,mem_used,net_in\n");
        for (int i = 0; i < 2000; i++) {
            double spike = i % 400 == 399 ? 5 : 0;
            csv.append(1_700_000_000L + 60L * i).append(',').append(0.3 + 0.05 * random.nextGaussian() + spike)
                    .append(',').append(0.5 + 0.05 * random.nextGaussian()).append(',')
                    .append(1000 + 50 * random.nextGaussian()).append('\n');
        }
        Files.writeString(historyCsv, csv, StandardCharsets.UTF_8);
        Path work = temp;
        // snippet:guide-train
        // Unlabelled history: a header row, an id column ("ts") and numeric features.
        IsolationForestModel detector = IsolationForest.builder().trees(100).seed(42).build()
                .fit(CsvRowSource.builder(historyCsv).idColumn("ts").build());
        ModelBundle bundle = detector.toBundle("cpu", "2026.11.29").writeTo(work.resolve("cpu-bundle"));

        try (ModelRegistry registry = FileModelRegistry.open(work.resolve("registry"))) {
            ModelVersion version = registry.register("cpu", bundle, Map.of("run", "first"));
            registry.setAlias("cpu", Aliases.CHAMPION, version.version());   // what "anomalyops serve" serves
        }
        // end:guide-train
        try (ModelRegistry registry = FileModelRegistry.open(work.resolve("registry"));
                Scorer scorer = Scorers.open(registry.open(dev.anomalyops.core.registry.ModelRef.parse("cpu@champion")),
                        ScorerOptions.defaults())) {
            assertThat(scorer.model().schema().names()).containsExactly("cpu_user", "mem_used", "net_in");
            double normal = scorer.probability(new float[] {0.3f, 0.5f, 1000f});
            double spike = scorer.probability(new float[] {5.3f, 0.5f, 1000f});
            assertThat(spike).as("a spike scores above a typical row").isGreaterThan(normal);
        }
    }

    @Test
    void callTheServerWithTheClientAndWithCurl() throws Exception {
        try (FileModelRegistry registry = FileModelRegistry.open(temp.resolve("registry"))) {
            ModelVersion one = registry.register("cpu", cpuBundle("1"), Map.of());
            registry.register("cpu", cpuBundle("2"), Map.of());
            registry.setAlias("cpu", Aliases.CHAMPION, one.version());
            ReferenceServer.Operations operations = new ReferenceServer.Operations(temp.resolve("state"), TOKEN,
                    CanaryPolicy.defaults(), Duration.ZERO, Map.of(), Duration.ofHours(1), Clock.systemUTC(),
                    (version, scorer) -> scorer);
            try (InferenceServer server = ReferenceServer.start(registry, new ReferenceServer.Settings(0, List.of(),
                    Aliases.CHAMPION, ScorerOptions.defaults(), ScoringInferenceService.Batching.OFF, Duration.ZERO,
                    1 << 20, 1024, operations))) {
                String host = "127.0.0.1:" + server.port();
                long[] labels;
                float[] probabilities;
                // snippet:guide-client
                try (TritonClient client = TritonClient.builder(URI.create("grpc://" + host))   // host: "localhost:8000"
                        .deadline(Duration.ofSeconds(10)).build()) {
                    InferResponse response = client.infer(InferRequest.builder("cpu")
                            .input(Tensor.fp32("input", new long[] {2, 3},
                                    new float[] {0.93f, 0.41f, 1250f, 0.12f, Float.NaN, 300f}))   // 2 rows, NaN = missing
                            .build());
                    labels = response.output("label").longs();                   // 0 normal, 1 anomaly
                    probabilities = response.output("probabilities").floats();   // per row: normal, anomaly
                }
                // end:guide-client
                assertThat(labels).hasSize(2);
                assertThat(probabilities).hasSize(4);
                assertThat(probabilities[0] + probabilities[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
                runCurlSamples(server.port());
            }
        }
    }

    private void runCurlSamples(int port) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        List<String> commands = new ArrayList<>();
        for (DocSamplesTest.Block block : DocSamplesTest.allBlocks()) {
            if (!block.attributes().containsKey("server-check")) {
                continue;
            }
            // Logical lines: backslash continuations joined, comments and blank lines dropped.
            for (String line : block.code().replace("\\\n", " ").split("\n")) {
                String command = line.strip();
                if (command.startsWith("curl ")) {
                    commands.add(block.where() + "\t" + command);
                }
            }
        }
        assertThat(commands).as("curl samples marked server-check").hasSizeGreaterThan(4);
        for (String entry : commands) {
            String where = entry.substring(0, entry.indexOf('\t'));
            String command = entry.substring(entry.indexOf('\t') + 1).replace("localhost:8000", "127.0.0.1:" + port)
                    .replaceFirst("^curl ", "curl --fail-with-body -sS --max-time 20 ");
            ProcessBuilder process = new ProcessBuilder("bash", "-o", "pipefail", "-c", command)
                    .directory(temp.toFile()).redirectErrorStream(true);
            process.environment().put("ANOMALYOPS_ADMIN_TOKEN", TOKEN);
            Process p = process.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(where + ": " + command + "\n" + output).isZero();
        }
    }
}
