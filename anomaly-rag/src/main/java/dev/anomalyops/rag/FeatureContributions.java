package dev.anomalyops.rag;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.trees.TreeEnsemble;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The features that drove a tree model's score for one row, for {@link AnomalyContext.Builder#features}:
 * the model's own path contributions ({@link TreeEnsemble#contributions}, Saabas' method, XGBoost's
 * {@code pred_contribs} with {@code approx_contribs=True}), largest absolute contribution first.
 *
 * <p>Contributions are in the model's margin units (log-odds for {@code binary:logistic}), so they add up,
 * with the model's expected margin, to the margin of the row. Features whose contribution is zero (the row's
 * paths never split on them) are left out, and so are missing values (NaN): an explanation cannot cite a
 * value for them; their share stays in the margin.
 *
 * <pre>{@code
 * TreeEnsemble model = TreeEnsemble.read(Path.of("model.json"), ModelFormat.XGBOOST_JSON);
 * AnomalyContext anomaly = AnomalyContext.builder(message, model.predict(row, 0))
 *         .features(FeatureContributions.of(model, schema, row, 0, 5))
 *         .build();
 * }</pre>
 */
public final class FeatureContributions {
    private FeatureContributions() {}

    /**
     * @param model a tree ensemble
     * @param schema the model's input features, in the model's order
     * @param values row-major values
     * @param offset where the row starts
     * @param top the most contributions returned, at least 1
     * @return the top contributions, largest absolute value first (ties by feature order)
     * @throws IllegalArgumentException when the schema does not have the model's feature count, the row is
     *     shorter than the model's input, or {@code top} is below 1
     */
    public static List<FeatureContribution> of(TreeEnsemble model, FeatureSchema schema, float[] values, int offset,
            int top) {
        Objects.requireNonNull(schema, "schema");
        return of(model, schema.names(), values, offset, top);
    }

    /**
     * @param model a tree ensemble
     * @param names the model's feature names, in the model's order
     * @param values row-major values
     * @param offset where the row starts
     * @param top the most contributions returned, at least 1
     * @return the top contributions, largest absolute value first (ties by feature order)
     * @throws IllegalArgumentException when the names do not match the model's feature count, the row is
     *     shorter than the model's input, or {@code top} is below 1
     */
    public static List<FeatureContribution> of(TreeEnsemble model, List<String> names, float[] values, int offset,
            int top) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(values, "values");
        int n = model.featureCount();
        if (names.size() != n) {
            throw new IllegalArgumentException("The model has " + n + " input features but " + names.size()
                    + " feature names were given");
        }
        if (offset < 0 || offset + n > values.length) {
            throw new IllegalArgumentException("A row of " + n + " values at offset " + offset
                    + " does not fit in an array of " + values.length);
        }
        if (top < 1) {
            throw new IllegalArgumentException("top must be at least 1 but was " + top);
        }
        double[] contributions = new double[n + 1];
        model.contributions(values, offset, contributions);
        List<FeatureContribution> out = new ArrayList<>();
        for (int f = 0; f < n; f++) {
            float value = values[offset + f];
            if (contributions[f] != 0.0 && Float.isFinite(value)) {
                out.add(new FeatureContribution(names.get(f), value, contributions[f]));
            }
        }
        // A stable sort keeps feature order among equal magnitudes: the same row always lists the same way.
        out.sort(Comparator.comparingDouble((FeatureContribution c) -> Math.abs(c.contribution())).reversed());
        return List.copyOf(out.subList(0, Math.min(top, out.size())));
    }
}
