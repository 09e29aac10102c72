package dev.anomalyops.app.server;

import dev.anomalyops.app.load.LoadGenerator;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.triton.server.ScoringInferenceService;
import dev.anomalyops.rollout.CanaryPolicy;
import java.net.URI;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The reference server on loopback serving one registry model ("cpu", 30 trees, six features) for load tests. */
final class LoadFixture implements AutoCloseable {
    final FileModelRegistry registry;
    final InferenceServer server;

    LoadFixture(Path temp, ReferenceServer.Resilience resilience) throws Exception {
        ModelBundle bundle = OpsFixture.bundle(temp.resolve("v1"), "cpu", 11, false);
        registry = FileModelRegistry.open(temp.resolve("registry"));
        registry.register("cpu", bundle, Map.of());
        server = ReferenceServer.start(registry, new ReferenceServer.Settings(0, List.of(), "champion",
                ScorerOptions.defaults(), ScoringInferenceService.Batching.AUTO, Duration.ZERO, 64 << 20, 65_536,
                operations(temp), resilience));
    }

    static ReferenceServer.Operations operations(Path temp) {
        return new ReferenceServer.Operations(temp.resolve("state"), null, CanaryPolicy.defaults(), Duration.ZERO,
                Map.of(), Duration.ofHours(1), Clock.systemUTC(), (version, scorer) -> scorer);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** @return 64 distinct request bodies of {@code rows} standard-normal rows */
    static List<byte[]> bodies(int rows) {
        SplittableRandom random = new SplittableRandom(5);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            float[] values = OpsFixture.gaussian(rows, 0f, random);
            float[][] matrix = new float[rows][6];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(values, r * 6, matrix[r], 0, 6);
            }
            bodies.add(LoadGenerator.body("r" + i, matrix));
        }
        return bodies;
    }

    @Override
    public void close() {
        server.close();
        registry.close();
    }
}
