package dev.anomalyops.core.testing;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/** Small bundles for tests that exercise storage rather than scoring (the model file is opaque bytes). */
public final class TestBundles {
    /** The schema every fixture bundle uses. */
    public static final FeatureSchema SCHEMA = FeatureSchema.of("cpu_user", "cpu_system", "mem_used", "net_in");

    private TestBundles() {}

    /**
     * @param directory where to write the bundle (must not exist)
     * @param name model name
     * @param seed varies the model bytes so bundles differ
     * @param modelBytes size of the opaque model file
     * @return the written bundle
     */
    public static ModelBundle write(Path directory, String name, long seed, int modelBytes) {
        byte[] model = new byte[modelBytes];
        new Random(seed).nextBytes(model);
        return ModelBundle.builder(name, "v" + seed)
                .model(ModelFormat.XGBOOST_JSON, "model.json", model)
                .schema(SCHEMA)
                .threshold(0.5)
                .metric("f1", 0.9)
                .hyperParameter("seed", Long.toString(seed))
                .createdAt(Instant.parse("2026-11-29T00:00:00Z"))
                .driftReference("drift-reference.json", ("{\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8))
                .writeTo(directory);
    }

    /**
     * @param directory where to write the bundle (must not exist)
     * @param name model name
     * @param seed varies the model bytes
     * @return a bundle with a 4 KiB model file
     */
    public static ModelBundle write(Path directory, String name, long seed) {
        return write(directory, name, seed, 4096);
    }
}
