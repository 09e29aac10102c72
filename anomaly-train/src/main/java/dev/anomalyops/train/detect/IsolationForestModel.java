package dev.anomalyops.train.detect;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.internal.IsolationTrees;
import dev.anomalyops.train.internal.JsonSupport;
import dev.anomalyops.train.internal.Parallel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A fitted {@link IsolationForest}.
 *
 * <p><b>The score.</b> {@link #score} writes {@code s(x) = 2^(-E[h(x)] / c(ψ))} (Liu et al. 2008), where
 * {@code E[h(x)]} is the mean path length of {@code x} over the trees and {@code c(ψ)} the average path length
 * of an unsuccessful search among the {@code ψ} rows each tree was grown on. {@code s} lies in (0, 1]; it is
 * near 1 for rows isolated in few cuts, 0.5 when a row is as hard to isolate as an average row, and below
 * 0.5 for rows deep inside the data. It equals {@code -score_samples(x)} of scikit-learn and is what the
 * bundle's scorer reports as the "probability": a normalised anomaly score, <em>not</em> a calibrated
 * probability. The ranking is the detector's ranking.
 *
 * <p><b>The threshold.</b> {@link #threshold()} is the smallest double strictly above scikit-learn's
 * {@code -offset_}, so that {@code score >= threshold} (the SDK's rule) flags exactly the rows scikit-learn's
 * {@code predict} flags ({@code score > -offset_}).
 */
public final class IsolationForestModel implements DetectorModel {
    /** The model file name inside bundles. */
    public static final String MODEL_FILE = "isolation-forest.json";
    private static final int FORMAT_VERSION = 1;
    private static final int PARALLEL_MIN_ROWS = 2048;

    private final FeatureSchema schema;
    private final IsolationTrees forest;
    private final Contamination contamination;
    private final double offset;
    private final double threshold;
    private final Map<String, String> hyperParameters;
    private final FitReport fitReport;
    private final Parallel parallel;

    IsolationForestModel(FeatureSchema schema, IsolationTrees forest, Contamination contamination, double offset,
            double threshold, Map<String, String> hyperParameters, FitReport fitReport, Parallel parallel) {
        this.schema = schema;
        this.forest = forest;
        this.contamination = contamination;
        this.offset = offset;
        this.threshold = threshold;
        this.hyperParameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperParameters));
        this.fitReport = fitReport;
        this.parallel = parallel;
    }

    @Override
    public String detector() {
        return IsolationForest.NAME;
    }

    @Override
    public FeatureSchema schema() {
        return schema;
    }

    @Override
    public double threshold() {
        return threshold;
    }

    /** @return scikit-learn's {@code offset_}: {@code -0.5} for auto contamination, else minus the training cut */
    public double offset() {
        return offset;
    }

    @Override
    public Contamination contamination() {
        return contamination;
    }

    /** @return the number of trees */
    public int trees() {
        return forest.trees();
    }

    /** @return ψ, the rows each tree was grown on ({@code max_samples_}) */
    public int samplesPerTree() {
        return forest.samples();
    }

    /** @return how the trees cut */
    public SplitRule splitRule() {
        return forest.rule() == IsolationTrees.Rule.HYPERPLANE ? SplitRule.HYPERPLANE : SplitRule.AXIS_PARALLEL;
    }

    @Override
    public FitReport fitReport() {
        return fitReport;
    }

    @Override
    public Map<String, String> hyperParameters() {
        return hyperParameters;
    }

    @Override
    public ModelFormat format() {
        return ModelFormat.ISOLATION_FOREST;
    }

    @Override
    public String modelFileName() {
        return MODEL_FILE;
    }

    /**
     * @param threads threads for scoring large batches
     * @return the same model scoring on that many threads
     */
    public IsolationForestModel withThreads(int threads) {
        return new IsolationForestModel(schema, forest, contamination, offset, threshold, hyperParameters, fitReport,
                new Parallel(threads, null));
    }

    @Override
    public void score(FeatureBatch batch, double[] out) {
        if (batch.schema() != schema) {
            schema.requireSameLayout(batch.schema());
        }
        if (out.length < batch.rows()) {
            throw new IllegalArgumentException("The output array holds " + out.length + " values but the batch has "
                    + batch.rows() + " rows");
        }
        scoreRows(forest, batch.values(), schema.size(), batch.rows(), out, parallel);
    }

    static void scoreRows(IsolationTrees forest, float[] values, int width, int rows, double[] out, Parallel parallel) {
        if (!parallel.isParallel() || rows < PARALLEL_MIN_ROWS) {
            for (int r = 0; r < rows; r++) {
                out[r] = forest.score(values, r * width);
            }
            return;
        }
        int chunkRows = Math.max(512, rows / (parallel.threads() * 4));
        int chunks = (rows + chunkRows - 1) / chunkRows;
        parallel.forEachChunk(chunks, c -> {
            int end = Math.min(rows, (c + 1) * chunkRows);
            for (int r = c * chunkRows; r < end; r++) {
                out[r] = forest.score(values, r * width);
            }
        });
    }

    @Override
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        try (JsonGenerator json = JsonSupport.mapper().getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeObjectFieldStart("isolation_forest");
            json.writeNumberField("format_version", FORMAT_VERSION);
            json.writeStringField("split_rule", splitRule().name().toLowerCase(java.util.Locale.ROOT));
            json.writeNumberField("n_features", schema.size());
            json.writeArrayFieldStart("feature_names");
            for (String name : schema.names()) {
                json.writeString(name);
            }
            json.writeEndArray();
            json.writeNumberField("n_estimators", forest.trees());
            json.writeNumberField("max_samples", forest.samples());
            json.writeStringField("contamination", contamination.toString());
            json.writeNumberField("offset", offset);
            json.writeNumberField("threshold", threshold);
            json.writeObjectFieldStart("hyper_parameters");
            for (Map.Entry<String, String> e : hyperParameters.entrySet()) {
                json.writeStringField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("fit");
            json.writeNumberField("rows_read", fitReport.rowsRead());
            json.writeNumberField("rows_used", fitReport.rowsUsed());
            json.writeNumberField("rows_quarantined", fitReport.quarantined());
            json.writeEndObject();
            json.writeEndObject();
            json.writeFieldName("trees");
            forest.writeTrees(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    /**
     * Reads a model written by {@link #toBytes()}.
     *
     * @param bytes the model file
     * @param expected the schema the bundle declares, checked against the file's feature names; null to take the file's
     * @return the model, scoring on the caller's thread
     * @throws ModelLoadException when the file is not a valid Isolation Forest model
     */
    public static IsolationForestModel fromBytes(byte[] bytes, @Nullable FeatureSchema expected) {
        JsonNode root;
        try {
            root = JsonSupport.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new ModelLoadException("Isolation Forest model is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode meta = root == null ? null : root.get("isolation_forest");
        if (meta == null || !meta.isObject()) {
            throw new ModelLoadException("Not an Isolation Forest model: the top-level \"isolation_forest\" object is missing");
        }
        try {
            int version = meta.path("format_version").asInt(-1);
            if (version != FORMAT_VERSION) {
                throw new ModelLoadException("Isolation Forest model format_version is " + version
                        + " but this SDK reads version " + FORMAT_VERSION);
            }
            List<String> names = new ArrayList<>();
            for (JsonNode name : meta.path("feature_names")) {
                names.add(name.asText());
            }
            int features = meta.path("n_features").asInt(-1);
            if (features != names.size() || features < 1) {
                throw new ModelLoadException("Isolation Forest model declares " + features + " features but names "
                        + names.size());
            }
            FeatureSchema schema = FeatureSchema.of(names.toArray(String[]::new));
            if (expected != null) {
                expected.requireSameLayout(schema);
                schema = expected;
            }
            String ruleName = meta.path("split_rule").asText("axis_parallel");
            IsolationTrees.Rule rule = switch (ruleName) {
                case "axis_parallel" -> IsolationTrees.Rule.AXIS_PARALLEL;
                case "hyperplane" -> IsolationTrees.Rule.HYPERPLANE;
                default -> throw new ModelLoadException("Isolation Forest split_rule \"" + ruleName
                        + "\" is unknown; expected \"axis_parallel\" or \"hyperplane\"");
            };
            int samples = meta.path("max_samples").asInt(-1);
            if (samples < 2) {
                throw new ModelLoadException("Isolation Forest max_samples is " + samples + " but must be at least 2");
            }
            IsolationTrees forest = IsolationTrees.readTrees(root.path("trees"), features, samples, rule);
            if (forest.trees() != meta.path("n_estimators").asInt(-1)) {
                throw new ModelLoadException("Isolation Forest declares " + meta.path("n_estimators").asInt(-1)
                        + " trees but holds " + forest.trees());
            }
            Contamination contamination = Contamination.parse(meta.path("contamination").asText("auto"));
            double threshold = meta.path("threshold").asDouble(Double.NaN);
            double offset = meta.path("offset").asDouble(Double.NaN);
            if (!(threshold >= 0 && threshold <= 1) || Double.isNaN(offset)) {
                throw new ModelLoadException("Isolation Forest threshold " + threshold + " or offset " + offset
                        + " is invalid");
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("hyper_parameters").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            JsonNode fit = meta.path("fit");
            FitReport report = new FitReport(fit.path("rows_read").asLong(0), fit.path("rows_used").asLong(0),
                    fit.path("rows_quarantined").asLong(0), List.of(), 0.0);
            return new IsolationForestModel(schema, forest, contamination, offset, threshold, params, report,
                    Parallel.sequential());
        } catch (IllegalArgumentException | dev.anomalyops.core.ConfigurationException e) {
            throw new ModelLoadException("Invalid Isolation Forest model: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "IsolationForestModel[" + forest.trees() + " trees, ψ=" + forest.samples() + ", " + schema.size()
                + " features, threshold " + threshold + "]";
    }
}
