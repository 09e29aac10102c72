package dev.anomalyops.core.trees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.testing.CatboostJsonModels;
import dev.anomalyops.core.testing.XgboostJsonModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported plain binary trees compute exactly the margins of the compiled models (what exporters rely on). */
class BinaryTreesTest {
    @TempDir
    Path temp;

    @Test
    void exportedTreesReproduceXgboostMargins() throws Exception {
        Path file = temp.resolve("x.json");
        XgboostJsonModels.write(file, new XgboostJsonModels.Spec(6, 40, 5, 0.2, "binary:logistic", 0.3f), 5);
        // XGBoost sums in float, this test in double: allow float rounding over 40 trees.
        check(TreeEnsemble.read(file, ModelFormat.XGBOOST_JSON), 6, 1e-5);
    }

    @Test
    void exportedTreesReproduceCatboostMargins() throws Exception {
        Path file = temp.resolve("c.json");
        CatboostJsonModels.write(file, 6, 30, 5, 10, null, 3, true);
        check(TreeEnsemble.read(file, ModelFormat.CATBOOST_JSON), 6, 1e-12);
    }

    private static void check(TreeEnsemble model, int features, double tolerance) {
        List<BinaryTree> trees = model.binaryTrees();
        assertThat(trees).hasSize(model.treeCount());
        Random random = new Random(1);
        float[] row = new float[features];
        for (int r = 0; r < 5000; r++) {
            for (int f = 0; f < features; f++) {
                int pick = random.nextInt(10);
                row[f] = pick == 0 ? Float.NaN : pick == 1 ? random.nextInt(45) : (float) (random.nextGaussian() * 4);
            }
            double margin = model.baseMargins()[0];
            for (BinaryTree tree : trees) {
                margin += evaluate(tree, row);
            }
            assertThat(margin).isCloseTo(model.margin(row, 0), org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    private static double evaluate(BinaryTree tree, float[] row) {
        int node = 0;
        while (!tree.isLeaf(node)) {
            float x = row[tree.feature()[node]];
            boolean left;
            if (Float.isNaN(x)) {
                left = tree.defaultLeft()[node];
            } else if (tree.categories()[node] != null) {
                boolean member = false;
                for (int c : tree.categories()[node]) {
                    member |= x == c;
                }
                left = !member;
            } else {
                left = tree.leftWhenLess() ? x < tree.threshold()[node] : x <= tree.threshold()[node];
            }
            node = left ? tree.left()[node] : tree.right()[node];
        }
        return tree.value()[node];
    }
}
