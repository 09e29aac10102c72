package dev.anomalyops.train.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.train.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTest {
    @TempDir
    Path temp;

    @Test
    void handWorkedExample() {
        double[] scores = {0.1, 0.4, 0.35, 0.8};
        int[] labels = {0, 0, 1, 1};
        // Pairs (positive, negative): (0.35,0.1) win, (0.35,0.4) loss, (0.8,·) two wins → 3/4.
        assertThat(RankingMetrics.rocAuc(scores, labels)).isEqualTo(0.75);
        // Ranked: 0.8 (P=1, R=0.5), 0.4 (P=1/2), 0.35 (P=2/3, R=1): AP = 0.5·1 + 0.5·2/3.
        assertThat(RankingMetrics.averagePrecision(scores, labels)).isCloseTo(0.5 + 1.0 / 3, within(1e-12));
        assertThat(RankingMetrics.rocAuc(new double[] {0.5, 0.5}, new int[] {0, 1})).isEqualTo(0.5);
        assertThat(RankingMetrics.rocAuc(new double[] {0.5, 0.7}, new int[] {0, 0})).isNaN();

        Confusion confusion = Confusion.at(scores, 0.4, labels);
        assertThat(confusion).isEqualTo(new Confusion(1, 1, 1, 1));
        assertThat(confusion.f1()).isEqualTo(0.5);
        assertThat(Confusion.at(scores, 2.0, labels).precision()).as("nothing flagged").isZero();
    }

    @Test
    void pointAdjustmentMarksWholeSegmentsOnAnyHit() {
        int[] labels = {0, 1, 1, 1, 0, 0, 1, 1, 0, 1};
        boolean[] flagged = {true, false, false, true, false, false, false, false, true, false};
        assertThat(PointAdjustment.segments(labels)).containsExactly(new PointAdjustment.Segment(1, 4),
                new PointAdjustment.Segment(6, 8), new PointAdjustment.Segment(9, 10));
        assertThat(PointAdjustment.adjust(flagged, labels))
                .containsExactly(true, true, true, true, false, false, false, false, true, false);
        assertThat(PointAdjustment.detectedSegments(flagged, labels)).isEqualTo(1);
        Evaluation evaluation = Evaluation.of(new double[] {1, 0, 0, 1, 0, 0, 0, 0, 1, 0}, 0.5, labels);
        assertThat(evaluation.pointwise()).isEqualTo(new Confusion(1, 2, 2, 5));
        assertThat(evaluation.pointAdjusted()).isEqualTo(new Confusion(3, 2, 2, 3));
        assertThat(evaluation.figures("detector_")).containsKeys("detector_roc_auc", "detector_f1",
                "detector_f1_point_adjusted");
        assertThat(evaluation.figures("").get("f1")).isEqualTo(evaluation.pointwise().f1());
    }

    @Test
    void matchScikitLearnOnRandomTiedScores() throws Exception {
        SplittableRandom random = new SplittableRandom(12);
        int n = 3000;
        double[] scores = new double[n];
        int[] labels = new int[n];
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextDouble() < 0.1 ? 1 : 0;
            scores[i] = Math.round((random.nextDouble() + labels[i] * 0.3) * 50) / 50.0; // many ties
            csv.append(scores[i]).append(',').append(labels[i]).append(',').append(scores[i] >= 0.8 ? 1 : 0).append('\n');
        }
        Files.writeString(temp.resolve("m.csv"), csv);
        JsonNode reference = Python.run("metrics_reference.py", temp.resolve("m.csv").toString());
        Confusion confusion = Confusion.at(scores, 0.8, labels);
        assertThat(RankingMetrics.rocAuc(scores, labels)).isCloseTo(reference.get("roc_auc").asDouble(), within(1e-12));
        assertThat(RankingMetrics.averagePrecision(scores, labels))
                .isCloseTo(reference.get("average_precision").asDouble(), within(1e-12));
        assertThat(confusion.f1()).isCloseTo(reference.get("f1").asDouble(), within(1e-12));
        assertThat(confusion.precision()).isCloseTo(reference.get("precision").asDouble(), within(1e-12));
        assertThat(confusion.recall()).isCloseTo(reference.get("recall").asDouble(), within(1e-12));
    }
}
