package dev.anomalyops.train.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.testing.ChildJvm;
import dev.anomalyops.train.RowSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both detectors fit and score a source larger than the JVM's whole heap: a child JVM limited to 256 MiB
 * streams 1.2 million rows × 64 features (307 MB as floats) generated on the fly, pass after pass. Holding
 * the data, let alone ten times it, would end in an OutOfMemoryError.
 */
class StreamingFitTest {
    static final int ROWS = 1_200_000;
    static final int FEATURES = 64;

    @TempDir
    Path temp;

    @Test
    void fitsAndScoresASourceLargerThanTheHeap() throws Exception {
        Path log = temp.resolve("child.log");
        Process child = ChildJvm.start(StreamingFitTest.class, log);
        assertThat(child.waitFor(4, TimeUnit.MINUTES)).as("child finished").isTrue();
        String output = Files.readString(log);
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("isolation-forest ok rows=" + ROWS).contains("one-class-svm ok rows=" + ROWS);
    }

    /**
     * The child: fits an Isolation Forest (with a contamination pass) and a one-class SVM on the generated
     * source, then scores it once more, printing the figures.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        RowSource rows = new GeneratedRows(ROWS, FEATURES, 17);
        long heap = Runtime.getRuntime().maxMemory();
        if ((long) ROWS * FEATURES * Float.BYTES <= heap) {
            throw new IllegalStateException("the data must be larger than the heap for this test to mean anything");
        }
        IsolationForestModel forest = IsolationForest.builder().trees(10).contamination(0.01).build().fit(rows);
        double[] scores = forest.scoreAll(rows);
        System.out.println("isolation-forest ok rows=" + forest.fitReport().rowsUsed() + " scored=" + scores.length
                + " threshold=" + forest.threshold());
        OneClassSvmModel svm = OneClassSvm.builder().maxSamples(2000).contamination(Contamination.of(0.01)).build()
                .fit(rows);
        System.out.println("one-class-svm ok rows=" + svm.fitReport().rowsUsed() + " threshold=" + svm.threshold()
                + " heap=" + heap);
    }

    /** Rows generated from a seed in 8192-row batches; every pass yields the same rows. */
    static final class GeneratedRows implements RowSource {
        private final int rows;
        private final FeatureSchema schema;
        private final long seed;

        GeneratedRows(int rows, int features, long seed) {
            this.rows = rows;
            this.schema = FeatureSchema.unnamed(features);
            this.seed = seed;
        }

        @Override
        public FeatureSchema schema() {
            return schema;
        }

        @Override
        public OptionalLong size() {
            return OptionalLong.of(rows);
        }

        @Override
        public void forEachBatch(BatchVisitor visitor) {
            SplittableRandom random = new SplittableRandom(seed);
            FeatureBatch batch = FeatureBatch.allocate(schema, 8192);
            float[] values = batch.values();
            for (int first = 0; first < rows; first += 8192) {
                int n = Math.min(8192, rows - first);
                for (int i = 0; i < n * schema.size(); i++) {
                    values[i] = (float) (5 + random.nextDouble());
                }
                batch.setRows(n);
                visitor.visit(batch, first);
            }
        }
    }
}
