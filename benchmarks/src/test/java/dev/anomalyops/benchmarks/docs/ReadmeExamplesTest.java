package dev.anomalyops.benchmarks.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.Prediction;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelRef;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.XgboostJsonModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java sample in the README is a region of this file, between {@code // snippet:NAME} and
 * {@code // end:NAME}; the README holds the same lines in a block after {@code <!-- snippet:NAME -->}. These tests
 * run the samples, and {@link #readmeShowsTheSamplesVerbatim()} fails when the README and the code drift apart.
 */
class ReadmeExamplesTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/anomalyops/benchmarks/docs/ReadmeExamplesTest.java");
    private static final Path README = Path.of("..", "README.md");

    @TempDir
    Path temp;

    @Test
    void embedAScorer() throws Exception {
        Path modelFile = temp.resolve("cpu-model.json");
        XgboostJsonModels.write(modelFile, new XgboostJsonModels.Spec(3, 20, 4, 0, "binary:logistic", 0.2f), 1);
        Path bundlePath = temp.resolve("cpu-bundle.zip");
        ModelBundle.builder("cpu", "1").model(ModelFormat.XGBOOST_JSON, modelFile)
                .schema(FeatureSchema.unnamed(3)).writeTo(temp.resolve("b")).writeArchive(bundlePath);

        // snippet:embed-scorer
        try (Scorer scorer = Scorers.open(bundlePath)) {          // a bundle, or a bare .json/.ubj/.cbm model
            float[] row = {0.93f, Float.NaN, 12.5f};              // NaN = missing
            Prediction one = scorer.predict(row);                 // label, probability, model and version

            FeatureBatch batch = FeatureBatch.allocate(scorer.model().schema(), 1024);
            double[] probabilities = new double[1024];
            scorer.score(batch, probabilities);                   // allocation-free batch path
        }
        // end:embed-scorer
        assertThat(Files.exists(bundlePath)).isTrue();
    }

    @Test
    void registerAndPromote() throws Exception {
        Path modelFile = temp.resolve("model.json");
        XgboostJsonModels.write(modelFile, new XgboostJsonModels.Spec(3, 5, 3, 0, "binary:logistic", 0.5f), 2);
        // snippet:registry
        ModelBundle bundle = ModelBundle.builder("cpu", "2026.11.29")
                .model(ModelFormat.XGBOOST_JSON, modelFile)
                .schema(FeatureSchema.of("cpu_user", "mem_used", "net_in"))
                .threshold(0.42)
                .metric("f1", 0.91)
                .writeTo(temp.resolve("cpu-bundle"));

        ModelRegistry registry = FileModelRegistry.open(temp.resolve("registry"));  // or S3/MLflow
        ModelVersion first = registry.register("cpu", bundle, Map.of("run", "nightly"));
        registry.setAlias("cpu", Aliases.PRODUCTION, first.version());

        try (Scorer scorer = Scorers.open(registry.open(ModelRef.parse("cpu@production")),
                ScorerOptions.defaults())) {
            double p = scorer.probability(new float[] {0.2f, 0.7f, 1500f});
        }

        ModelVersion next = registry.register("cpu", bundle, Map.of("run", "weekly"));
        registry.setAlias("cpu", Aliases.PRODUCTION, next.version());   // atomic; remembers the first
        registry.rollback("cpu", Aliases.PRODUCTION);                   // production points at the first again
        // end:registry
    }

    @Test
    void readmeShowsTheSamplesVerbatim() throws Exception {
        String source = Files.readString(SOURCE);
        String readme = Files.readString(README);
        Matcher snippet = Pattern.compile("// snippet:([a-z-]+)\\n(.*?)\\n\\s*// end:\\1", Pattern.DOTALL).matcher(source);
        int found = 0;
        while (snippet.find()) {
            found++;
            String name = snippet.group(1);
            String code = dedent(snippet.group(2));
            Matcher block = Pattern.compile("<!-- snippet:" + name + " -->\\n```java\\n(.*?)\\n```", Pattern.DOTALL)
                    .matcher(readme);
            assertThat(block.find()).as("README has a block for snippet " + name).isTrue();
            assertThat(block.group(1).strip()).as("README snippet " + name).isEqualTo(code.strip());
        }
        assertThat(found).isGreaterThanOrEqualTo(2);
    }

    private static String dedent(String code) {
        List<String> lines = code.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
        }
        return out.toString();
    }
}
