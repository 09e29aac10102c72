package dev.anomalyops.core.trees;

import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.model.ModelFormat;
import java.nio.file.Path;
import java.util.List;

/**
 * A tree ensemble compiled into flat primitive arrays. Immutable and thread-safe; scoring allocates nothing.
 * Rows are float arrays laid out in {@link #featureCount()} consecutive values, NaN meaning missing.
 *
 * <pre>{@code
 * TreeEnsemble model = TreeEnsemble.read(Path.of("model.json"), ModelFormat.XGBOOST_JSON);
 * double p = model.predict(row, 0);               // what xgboost's predict() returns
 * model.predict(rows, rowCount, probabilities);   // a whole batch
 * }</pre>
 */
public sealed interface TreeEnsemble permits XgboostForest, ObliviousForest {

    /**
     * @param file a model file
     * @param format {@link ModelFormat#XGBOOST_JSON}, {@link ModelFormat#XGBOOST_UBJ} or {@link ModelFormat#CATBOOST_JSON}
     * @return the compiled model
     * @throws ModelLoadException when the file cannot be read, is malformed, or uses a feature we do not score
     */
    static TreeEnsemble read(Path file, ModelFormat format) {
        if (ModelFormat.XGBOOST_JSON.equals(format)) {
            return XgboostForest.compile(ModelDocument.readJson(file), file.toString());
        }
        if (ModelFormat.XGBOOST_UBJ.equals(format)) {
            return XgboostForest.compile(ModelDocument.readUbj(file), file.toString());
        }
        if (ModelFormat.CATBOOST_JSON.equals(format)) {
            return ObliviousForest.compile(ModelDocument.readJson(file), file.toString());
        }
        throw new ModelLoadException("The pure-Java tree scorer reads xgboost-json, xgboost-ubj and catboost-json,"
                + " not " + format);
    }

    /** @return the number of input features; rows have exactly this many values */
    int featureCount();

    /** @return the feature names stored in the model, or an empty list when it stores none */
    List<String> featureNames();

    /** @return the number of trees */
    int treeCount();

    /** @return how margins become predictions */
    Objective objective();

    /**
     * @param values row-major values
     * @param offset where the row starts
     * @return the prediction, as the library's own {@code predict()} returns it
     */
    double predict(float[] values, int offset);

    /**
     * Predicts {@code rows} consecutive rows starting at index 0 of {@code values}.
     *
     * @param values row-major values, at least {@code rows * featureCount()} long
     * @param rows number of rows
     * @param out receives one prediction per row
     */
    void predict(float[] values, int rows, double[] out);

    /**
     * @param values row-major values
     * @param offset where the row starts
     * @return the raw margin (for two-class softmax models, the margin of class 1 minus that of class 0)
     */
    double margin(float[] values, int offset);

    /**
     * @return every tree as a plain binary tree, in evaluation order (CatBoost's oblivious trees are expanded
     *     into complete binary trees), for exporters; prediction equals the objective applied to
     *     {@link #baseMargins()} plus the sum of each group's tree outputs
     */
    List<BinaryTree> binaryTrees();

    /**
     * @return the margin each output group starts from (one value, or two for two-class softmax models);
     *     CatBoost's scale is folded into the trees' leaves and its bias is the base margin
     */
    double[] baseMargins();

    /**
     * @param feature a feature index
     * @return the distinct thresholds the model compares this feature with, ascending (benchmarks and tests use
     *     them to build rows that exercise every split)
     */
    float[] thresholds(int feature);

    /**
     * Splits the margin of one row into per-feature contributions along its decision paths (Saabas'
     * method, the same as XGBoost's {@code pred_contribs} with {@code approx_contribs=True}): each split
     * credits its feature with the change of the expected value from parent to child.
     *
     * @param values row-major values
     * @param offset where the row starts
     * @param out receives {@code featureCount() + 1} values: one per feature, then the bias (expected margin);
     *     they sum to {@link #margin}
     */
    void contributions(float[] values, int offset, double[] out);
}
