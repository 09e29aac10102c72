package dev.anomalyops.app.server;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.NonFinitePolicy;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.XgboostJsonModels;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A reference server on loopback serving two registry models: "cpu-anomaly" and "strict" (no NaN allowed). */
final class ServerFixture implements AutoCloseable {
    final FileModelRegistry registry;
    final InferenceServer server;
    final Scorer local;

    ServerFixture(Path temp, long maxBodyBytes) throws Exception {
        this(temp, maxBodyBytes, ReferenceServer.Operations.defaults(), ServerSecurity.none());
    }

    /**
     * @param temp working directory
     * @param maxBodyBytes body limit
     * @param operations rollout and admin settings
     * @param security tokens, webhook secret, rate limit and TLS
     */
    ServerFixture(Path temp, long maxBodyBytes, ReferenceServer.Operations operations, ServerSecurity security)
            throws Exception {
        java.nio.file.Files.createDirectories(temp);
        Path file = temp.resolve("model.json");
        XgboostJsonModels.write(file, new XgboostJsonModels.Spec(6, 30, 5, 0.0, "binary:logistic", 0.3f), 21);
        ModelBundle bundle = ModelBundle.builder("cpu-anomaly", "1").model(ModelFormat.XGBOOST_JSON, file)
                .schema(FeatureSchema.of("a", "b", "c", "d", "e", "f")).threshold(0.4).writeTo(temp.resolve("bundle"));
        FeatureSchema.Builder strict = FeatureSchema.builder();
        for (String n : List.of("a", "b", "c", "d", "e", "f")) {
            strict.add(n, NonFinitePolicy.REJECT);
        }
        ModelBundle strictBundle = ModelBundle.builder("strict", "1").model(ModelFormat.XGBOOST_JSON, file)
                .schema(strict.build()).writeTo(temp.resolve("strict"));
        registry = FileModelRegistry.open(temp.resolve("registry"));
        registry.register("cpu-anomaly", bundle, java.util.Map.of());
        registry.register("strict", strictBundle, java.util.Map.of());
        local = Scorers.open(bundle, ScorerOptions.defaults());
        server = ReferenceServer.start(registry, new ReferenceServer.Settings(0, List.of(), "champion",
                ScorerOptions.defaults(), ScoringInferenceService.Batching.AUTO, Duration.ZERO, maxBodyBytes, 65_536,
                operations), null, security);
    }

    @Override
    public void close() {
        server.close();
        local.close();
        registry.close();
    }
}
