package dev.anomalyops.train.detect;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/** Shared plumbing of the detector scorer providers: read the model file, wrap the model as a {@link Scorer}. */
final class DetectorScorers {
    private DetectorScorers() {}

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    static Scorer create(ModelBundle bundle, String engine,
            BiFunction<byte[], FeatureSchema, DetectorModel> reader) {
        DetectorModel model = reader.apply(read(bundle.modelFile()), bundle.schema());
        ModelInfo info = ModelInfo.of(bundle.manifest(), engine);
        return new DetectorScorer(info, model);
    }

    /** A detector model serving as a {@link Scorer}: the "probability" is the detector's anomaly score. */
    private static final class DetectorScorer implements Scorer {
        private final ModelInfo info;
        private final DetectorModel model;
        private final AtomicBoolean closed = new AtomicBoolean();

        DetectorScorer(ModelInfo info, DetectorModel model) {
            this.info = info;
            this.model = model;
        }

        @Override
        public ModelInfo model() {
            return info;
        }

        @Override
        public void score(FeatureBatch batch, double[] out) {
            if (closed.get()) {
                throw new IllegalStateException("Scorer for model \"" + info.name() + "\" is closed");
            }
            Scorer.checkArguments(this, batch, out);
            model.score(batch, out);
        }

        @Override
        public void close() {
            closed.set(true);
        }

        @Override
        public String toString() {
            return "Scorer[" + info.name() + " " + info.version() + ", " + model + "]";
        }
    }
}
