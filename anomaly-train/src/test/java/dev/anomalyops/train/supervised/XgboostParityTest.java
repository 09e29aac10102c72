package dev.anomalyops.train.supervised;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.eval.RankingMetrics;
import dev.anomalyops.train.testing.Python;
import dev.anomalyops.train.testing.Smd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XgboostTrainer against Debian's python3-xgboost on real data: the labelled SMD test file of machine-1-2, first
 * half to train (weighted, balanced classes), second half to score, same parameters on both sides. The versions
 * differ (xgboost4j 3.x, Debian 1.7), so the models are not byte-identical; the test holds the ranking quality within
 * 0.01 ROC-AUC and the probabilities close row by row.
 */
class XgboostParityTest {
    @Test
    void sameQualityAsPythonXgboostOnTheSameRows(@TempDir Path dir) throws Exception {
        FeatureBatch test = Smd.rows("test", "machine-1-2");
        int[] labels = Smd.labels("machine-1-2");
        int half = test.rows() / 2;
        int d = test.columns();
        FeatureBatch first = FeatureBatch.wrap(test.schema(), Arrays.copyOfRange(test.values(), 0, half * d), half);
        FeatureBatch second = FeatureBatch.wrap(test.schema(),
                Arrays.copyOfRange(test.values(), half * d, test.rows() * d), test.rows() - half);
        int[] trainLabels = Arrays.copyOfRange(labels, 0, half);
        int[] scoreLabels = Arrays.copyOfRange(labels, half, labels.length);
        float[] weights = new float[half];
        for (int i = 0; i < half; i++) {
            weights[i] = i % 5 == 0 ? 5f : 1f;   // human labels weigh more than pseudo-labels
        }
        TrainingData data = TrainingData.of(first, trainLabels, weights);
        XgboostTrainer trainer = XgboostTrainer.builder().rounds(50).build();
        double scalePosWeight = ClassWeighting.balanced().factorFor(data);
        double[] ours;
        try (TrainedModel model = trainer.fit(data)) {
            ours = model.scoreAll(second);
        }

        Smd.writeCsv(first, dir.resolve("train.csv"));
        Smd.writeCsv(second, dir.resolve("score.csv"));
        Files.writeString(dir.resolve("labels.txt"), lines(Arrays.stream(trainLabels).mapToObj(Integer::toString).toList()));
        Files.writeString(dir.resolve("weights.txt"), lines(java.util.stream.IntStream.range(0, half)
                .mapToObj(i -> Float.toString(weights[i])).toList()));
        Files.writeString(dir.resolve("score_labels.txt"), lines(Arrays.stream(scoreLabels).mapToObj(Integer::toString).toList()));
        String params = "{\"objective\":\"binary:logistic\",\"tree_method\":\"hist\",\"max_depth\":6,\"eta\":0.3,"
                + "\"nthread\":1,\"seed\":0,\"scale_pos_weight\":" + scalePosWeight + "}";
        JsonNode python = Python.run("xgboost_reference.py", "--train", dir.resolve("train.csv").toString(),
                "--labels", dir.resolve("labels.txt").toString(), "--weights", dir.resolve("weights.txt").toString(),
                "--score", dir.resolve("score.csv").toString(), "--score-labels",
                dir.resolve("score_labels.txt").toString(), "--params", params, "--rounds", "50",
                "--out", dir.resolve("python.txt").toString());
        double[] theirs = Files.readAllLines(dir.resolve("python.txt")).stream().mapToDouble(Double::parseDouble).toArray();

        double ourAuc = RankingMetrics.rocAuc(ours, scoreLabels);
        assertThat(ourAuc).isCloseTo(python.get("roc_auc").asDouble(), org.assertj.core.data.Offset.offset(0.01));
        double meanAbsolute = 0;
        for (int i = 0; i < ours.length; i++) {
            meanAbsolute += Math.abs(ours[i] - theirs[i]);
        }
        meanAbsolute /= ours.length;
        assertThat(meanAbsolute).as("mean |p_java - p_python| (xgboost %s)", python.get("xgboost_version").asText())
                .isLessThan(0.02);
    }

    private static String lines(List<String> values) {
        return values.stream().collect(Collectors.joining("\n", "", "\n"));
    }
}
