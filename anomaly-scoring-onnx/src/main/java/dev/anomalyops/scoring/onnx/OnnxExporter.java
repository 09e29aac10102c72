package dev.anomalyops.scoring.onnx;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.trees.TreeEnsemble;
import dev.anomalyops.scoring.onnx.internal.TreeGraphBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Exports tree ensembles to ONNX. The graph has one input and two outputs, the same contract the reference
 * server and the Triton export use:
 *
 * <ul>
 *   <li>{@value #INPUT}: FP32 {@code [N, features]}, features in the schema's order, NaN for missing;
 *   <li>{@value #PROBABILITIES}: FP32 {@code [N, 2]}, {@code [1 - p, p]} where {@code p} is what the model's own
 *       library predicts (the anomaly probability for binary classifiers);
 *   <li>{@value #LABEL}: INT64 {@code [N]}, 1 when {@code p >= threshold}, else 0.
 * </ul>
 *
 * <p>The trees become one {@code ai.onnx.ml} TreeEnsembleRegressor (opset 3) that returns raw margins, so the
 * split rules are exact: XGBoost's {@code x < t} is {@code BRANCH_LT}, CatBoost's {@code x <= t} is
 * {@code BRANCH_LEQ}, missing values follow each node's default direction
 * ({@code nodes_missing_value_tracks_true}), and thresholds stay float32. The objective's link (sigmoid, exp,
 * two-class softmax, hinge, identity) and the threshold are plain {@code ai.onnx} operators (opset 15, IR 8),
 * which ONNX Runtime 1.20 and later run. A bundle's scaler is folded into the graph in double precision, as the
 * Java engine computes it. Feature names, the threshold and the model's identity are kept in the model's
 * metadata properties ({@value #FEATURE_NAMES_KEY} holds the names as a JSON array).
 *
 * <pre>{@code
 * byte[] onnx = OnnxExporter.export(ModelBundle.read(Path.of("cpu-anomaly.zip")));
 * ModelBundle onnxBundle = OnnxExporter.exportBundle(bundle, Path.of("cpu-anomaly-onnx"));
 * }</pre>
 *
 * <p>Categorical splits are not exported: ONNX Runtime's tree operators compare numbers, and a set-membership
 * node would need {@code ai.onnx.ml} opset 5, which not every ONNX consumer reads; such models are refused with a
 * {@link ModelException}.
 */
public final class OnnxExporter {
    /** Name of the graph's input. */
    public static final String INPUT = "input";
    /** Name of the probabilities output. */
    public static final String PROBABILITIES = "probabilities";
    /** Name of the label output. */
    public static final String LABEL = "label";
    /** Metadata key holding the feature names as a JSON array of strings. */
    public static final String FEATURE_NAMES_KEY = "anomalyops.feature_names";
    /** Metadata key holding the decision threshold. */
    public static final String THRESHOLD_KEY = "anomalyops.threshold";

    private OnnxExporter() {}

    /**
     * What to export besides the trees.
     *
     * @param name model name, stored in the metadata and the graph name
     * @param version model version label
     * @param featureNames names of the input's columns, in order
     * @param threshold probability at or above which {@value #LABEL} is 1
     * @param scaler transform applied to the input before the trees, or null for none
     */
    public record Options(String name, String version, List<String> featureNames, double threshold,
            @Nullable Scaler scaler) {
        /** Checks the values. */
        public Options {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
            featureNames = List.copyOf(featureNames);
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold must be in [0, 1] but was " + threshold);
            }
        }
    }

    /**
     * @param model a compiled ensemble
     * @param options names, threshold and scaler
     * @return the ONNX model's bytes
     * @throws ModelException when the model uses splits ONNX cannot express (categorical) or the options do not fit it
     */
    public static byte[] export(TreeEnsemble model, Options options) {
        return TreeGraphBuilder.build(model, options.name(), options.version(), options.featureNames(),
                options.threshold(), options.scaler());
    }

    /**
     * @param bundle a bundle holding an XGBoost (JSON, UBJ) or CatBoost (JSON) model
     * @return the ONNX model's bytes, with the bundle's schema names, threshold and scaler
     * @throws ModelException when the bundle's format is not a tree ensemble the core scorer reads
     */
    public static byte[] export(ModelBundle bundle) {
        ModelFormat format = bundle.format();
        if (!(ModelFormat.XGBOOST_JSON.equals(format) || ModelFormat.XGBOOST_UBJ.equals(format)
                || ModelFormat.CATBOOST_JSON.equals(format))) {
            throw new ModelException("Model \"" + bundle.manifest().name() + "\" is in format \"" + format
                    + "\"; ONNX export reads xgboost-json, xgboost-ubj and catboost-json (convert a .cbm model with"
                    + " CatBoost's save_model(format=\"json\") first)");
        }
        TreeEnsemble model = TreeEnsemble.read(bundle.modelFile(), format);
        FeatureSchema schema = bundle.schema();
        if (model.featureCount() != schema.size()) {
            throw new ModelException("Model \"" + bundle.manifest().name() + "\" reads " + model.featureCount()
                    + " features but its bundle's schema lists " + schema.size());
        }
        return export(model, new Options(bundle.manifest().name(), bundle.manifest().version(), schema.names(),
                bundle.manifest().threshold(), bundle.manifest().scaler().orElse(null)));
    }

    /**
     * Writes a new bundle holding the ONNX form of {@code bundle}'s model, with the same name, version, schema,
     * threshold and metrics. The scaler moves into the graph, so the new manifest has none.
     *
     * @param bundle a tree-ensemble bundle
     * @param directory where to write the ONNX bundle (must not exist)
     * @return the written bundle
     */
    public static ModelBundle exportBundle(ModelBundle bundle, Path directory) {
        byte[] onnx = export(bundle);
        return ModelBundle.builder(bundle.manifest().name(), bundle.manifest().version())
                .model(ModelFormat.ONNX, "model.onnx", onnx)
                .schema(bundle.schema())
                .threshold(bundle.manifest().threshold())
                .metrics(bundle.manifest().metrics())
                .hyperParameters(bundle.manifest().hyperParameters())
                .createdAt(bundle.manifest().createdAt())
                .metadata("exported.from.format", bundle.format().id())
                .metadata("exported.from.checksum", bundle.checksum())
                .writeTo(directory);
    }

    /**
     * @param bundle a tree-ensemble bundle
     * @param file where to write the {@code .onnx} file
     */
    public static void export(ModelBundle bundle, Path file) {
        byte[] onnx = export(bundle);
        try {
            Files.write(file, onnx);
        } catch (IOException e) {
            throw new StorageException("Cannot write ONNX model " + file + ": " + e.getMessage(), e);
        }
    }
}
