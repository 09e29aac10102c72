package dev.anomalyops.core.model;

import dev.anomalyops.core.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The on-disk format of a model file, written {@code <framework>-<encoding>} (for example
 * {@code xgboost-json}). Engines declare which formats they support; the constants list the formats the
 * SDK knows and the artifact that scores each one.
 *
 * @param id the format id, lower case
 */
public record ModelFormat(String id) {
    /** XGBoost's JSON model ({@code Booster.save_model("m.json")}, XGBoost 1.0 and later). */
    public static final ModelFormat XGBOOST_JSON = new ModelFormat("xgboost-json");
    /** XGBoost's Universal Binary JSON model ({@code .ubj}, the default since XGBoost 2.0). */
    public static final ModelFormat XGBOOST_UBJ = new ModelFormat("xgboost-ubj");
    /** CatBoost's JSON export ({@code save_model(..., format="json")}). */
    public static final ModelFormat CATBOOST_JSON = new ModelFormat("catboost-json");
    /** CatBoost's native binary model ({@code .cbm}); needs catboost-prediction. */
    public static final ModelFormat CATBOOST_CBM = new ModelFormat("catboost-cbm");
    /** An ONNX graph, scored by ONNX Runtime. */
    public static final ModelFormat ONNX = new ModelFormat("onnx-protobuf");
    /** AnomalyOps' Isolation Forest, serialised as JSON. */
    public static final ModelFormat ISOLATION_FOREST = new ModelFormat("isolationforest-json");

    private static final Map<String, String> ARTIFACTS = Map.of(
            "xgboost-json", "dev.anomalyops:anomaly-core",
            "xgboost-ubj", "dev.anomalyops:anomaly-core",
            "catboost-json", "dev.anomalyops:anomaly-core",
            "catboost-cbm", "dev.anomalyops:anomaly-scoring-catboost",
            "onnx-protobuf", "dev.anomalyops:anomaly-scoring-onnx",
            "isolationforest-json", "dev.anomalyops:anomaly-train");

    /** Validates the id: lower-case letters, digits and dashes, with one dash between framework and encoding. */
    public ModelFormat {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[a-z0-9]+-[a-z0-9-]+")) {
            throw new IllegalArgumentException("Model format \"" + id
                    + "\" must look like <framework>-<encoding>, e.g. \"xgboost-json\"");
        }
    }

    /**
     * @param id a format id
     * @return the format (ids are case-insensitive)
     */
    public static ModelFormat of(String id) {
        return new ModelFormat(id.toLowerCase(Locale.ROOT));
    }

    /** @return the framework part, e.g. {@code xgboost} */
    public String framework() {
        return id.substring(0, id.indexOf('-'));
    }

    /** @return the Maven artifact whose engine scores this format, when the SDK knows it */
    public Optional<String> engineArtifact() {
        return Optional.ofNullable(ARTIFACTS.get(id));
    }

    /**
     * Recognises a bare model file by its extension and, for JSON, by its top-level keys.
     *
     * @param file a model file
     * @return its format
     * @throws ModelLoadException when the file cannot be read or its format is not recognised
     */
    public static ModelFormat detect(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ubj")) {
            return XGBOOST_UBJ;
        }
        if (name.endsWith(".cbm")) {
            return CATBOOST_CBM;
        }
        if (name.endsWith(".onnx")) {
            return ONNX;
        }
        byte[] head = readHead(file, 1 << 16);
        if (head.length >= 4 && head[0] == 'C' && head[1] == 'B' && head[2] == 'M' && head[3] == '1') {
            return CATBOOST_CBM;
        }
        String text = new String(head, StandardCharsets.UTF_8);
        if (text.contains("\"learner\"")) {
            return XGBOOST_JSON;
        }
        if (text.contains("\"oblivious_trees\"") || text.contains("\"features_info\"")) {
            return CATBOOST_JSON;
        }
        if (text.contains("\"isolation_forest\"")) {
            return ISOLATION_FOREST;
        }
        if (head.length > 0 && head[0] == '{' && text.contains("learner")) {
            // UBJSON objects also open with '{' and carry the key names as plain bytes.
            return XGBOOST_UBJ;
        }
        throw new ModelLoadException("Cannot tell the format of model file " + file
                + ": expected an XGBoost model (.json or .ubj), a CatBoost model (.json or .cbm), an ONNX model"
                + " (.onnx) or an AnomalyOps bundle (directory or .zip with manifest.json)");
    }

    private static byte[] readHead(Path file, int limit) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(limit);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
