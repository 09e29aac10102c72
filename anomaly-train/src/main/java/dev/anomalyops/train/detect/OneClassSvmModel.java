package dev.anomalyops.train.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.internal.JsonSupport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A fitted {@link OneClassSvm}: the linear decision function {@code d(x) = w · x + b} of Tribuo's liblinear
 * one-class SVM ({@code d <= 0} is Tribuo's "anomalous").
 *
 * <p><b>The score.</b> {@link #score} writes {@code 1 / (1 + exp(d(x) / σ))}, the logistic function of the
 * negated margin divided by {@code σ}, the standard deviation of the margins of the training rows. It is a
 * normalised anomaly score, not a calibrated probability: monotone in the margin (same ranking as the SVM),
 * 0.5 exactly on the SVM's boundary, towards 1 on the origin's side. A missing value (NaN) is replaced by
 * that feature's training mean.
 *
 * <p><b>The threshold.</b> With contamination {@code auto} it is 0.5, the SVM's own boundary; with a fraction
 * it is placed like the Isolation Forest's (the share of training rows flagged).
 */
public final class OneClassSvmModel implements DetectorModel {
    /** The format of the model file: the linear function as JSON. */
    public static final ModelFormat FORMAT = ModelFormat.of("oneclasssvm-json");
    /** The model file name inside bundles. */
    public static final String MODEL_FILE = "one-class-svm.json";
    private static final int FORMAT_VERSION = 1;

    private final FeatureSchema schema;
    private final double[] weights;
    private final double intercept;
    private final double[] means;
    private final double scale;
    private final Contamination contamination;
    private final double threshold;
    private final Map<String, String> hyperParameters;
    private final FitReport fitReport;

    OneClassSvmModel(FeatureSchema schema, double[] weights, double intercept, double[] means, double scale,
            Contamination contamination, double threshold, Map<String, String> hyperParameters, FitReport fitReport) {
        this.schema = schema;
        this.weights = weights.clone();
        this.intercept = intercept;
        this.means = means.clone();
        this.scale = scale;
        this.contamination = contamination;
        this.threshold = threshold;
        this.hyperParameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperParameters));
        this.fitReport = fitReport;
    }

    static double margin(double[] weights, double intercept, double[] means, float[] values, int offset) {
        double sum = intercept;
        for (int j = 0; j < weights.length; j++) {
            float v = values[offset + j];
            sum += weights[j] * (v != v ? means[j] : v);
        }
        return -sum;
    }

    static double squash(double negatedMargin, double scale) {
        return 1.0 / (1.0 + Math.exp(-negatedMargin / scale));
    }

    /**
     * @param row one row in schema order
     * @return Tribuo's decision value {@code d(x)} (positive = normal)
     */
    public double decisionValue(float[] row) {
        return -margin(weights, intercept, means, row, 0);
    }

    /** @return the weights in schema order (a copy) */
    public double[] weights() {
        return weights.clone();
    }

    /** @return the constant term of the decision function */
    public double intercept() {
        return intercept;
    }

    /** @return σ, the standard deviation of the training margins */
    public double scale() {
        return scale;
    }

    @Override
    public String detector() {
        return OneClassSvm.NAME;
    }

    @Override
    public FeatureSchema schema() {
        return schema;
    }

    @Override
    public double threshold() {
        return threshold;
    }

    @Override
    public Contamination contamination() {
        return contamination;
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
        float[] values = batch.values();
        int d = schema.size();
        for (int r = 0; r < batch.rows(); r++) {
            out[r] = squash(margin(weights, intercept, means, values, r * d), scale);
        }
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
        return FORMAT;
    }

    @Override
    public String modelFileName() {
        return MODEL_FILE;
    }

    @Override
    public byte[] toBytes() {
        ObjectNode root = JsonSupport.mapper().createObjectNode();
        ObjectNode svm = root.putObject("one_class_svm");
        svm.put("format_version", FORMAT_VERSION);
        ArrayNode names = svm.putArray("feature_names");
        schema.names().forEach(names::add);
        ArrayNode w = svm.putArray("weights");
        for (double v : weights) {
            w.add(v);
        }
        svm.put("intercept", intercept);
        ArrayNode m = svm.putArray("means");
        for (double v : means) {
            m.add(v);
        }
        svm.put("scale", scale);
        svm.put("contamination", contamination.toString());
        svm.put("threshold", threshold);
        ObjectNode params = svm.putObject("hyper_parameters");
        hyperParameters.forEach(params::put);
        ObjectNode fit = svm.putObject("fit");
        fit.put("rows_read", fitReport.rowsRead());
        fit.put("rows_used", fitReport.rowsUsed());
        fit.put("rows_quarantined", fitReport.quarantined());
        try {
            byte[] json = JsonSupport.mapper().writeValueAsBytes(root);
            byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
            out[json.length] = '\n';
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Reads a model written by {@link #toBytes()}.
     *
     * @param bytes the model file
     * @param expected the schema the bundle declares; null to take the file's
     * @return the model
     * @throws ModelLoadException when the file is not a valid one-class SVM model
     */
    public static OneClassSvmModel fromBytes(byte[] bytes, @Nullable FeatureSchema expected) {
        JsonNode svm;
        try {
            JsonNode root = JsonSupport.mapper().readTree(bytes);
            svm = root == null ? null : root.get("one_class_svm");
        } catch (IOException e) {
            throw new ModelLoadException("One-class SVM model is not valid JSON: " + e.getMessage(), e);
        }
        if (svm == null || svm.path("format_version").asInt(-1) != FORMAT_VERSION) {
            throw new ModelLoadException("Not a one-class SVM model of format version " + FORMAT_VERSION
                    + ": the \"one_class_svm\" object is missing or has another version");
        }
        List<String> names = new ArrayList<>();
        svm.path("feature_names").forEach(n -> names.add(n.asText()));
        double[] weights = doubles(svm.path("weights"), names.size(), "weights");
        double[] means = doubles(svm.path("means"), names.size(), "means");
        FeatureSchema schema = FeatureSchema.of(names.toArray(String[]::new));
        if (expected != null) {
            expected.requireSameLayout(schema);
            schema = expected;
        }
        double threshold = svm.path("threshold").asDouble(Double.NaN);
        double scale = svm.path("scale").asDouble(Double.NaN);
        if (!(threshold >= 0 && threshold <= 1) || !(scale > 0) || !svm.path("intercept").isNumber()) {
            throw new ModelLoadException("One-class SVM model has an invalid threshold, scale or intercept");
        }
        Contamination contamination;
        try {
            contamination = Contamination.parse(svm.path("contamination").asText("auto"));
        } catch (ConfigurationException e) {
            throw new ModelLoadException("One-class SVM model: " + e.getMessage(), e);
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = svm.path("hyper_parameters").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            params.put(e.getKey(), e.getValue().asText());
        }
        JsonNode fit = svm.path("fit");
        FitReport report = new FitReport(fit.path("rows_read").asLong(0), fit.path("rows_used").asLong(0),
                fit.path("rows_quarantined").asLong(0), List.of(), 0.0);
        return new OneClassSvmModel(schema, weights, svm.path("intercept").asDouble(), means, scale, contamination,
                threshold, params, report);
    }

    private static double[] doubles(JsonNode array, int expected, String field) {
        if (!array.isArray() || array.size() != expected || expected == 0) {
            throw new ModelLoadException("One-class SVM model: \"" + field + "\" must hold one number per feature ("
                    + expected + ")");
        }
        double[] out = new double[expected];
        for (int i = 0; i < expected; i++) {
            if (!array.get(i).isNumber()) {
                throw new ModelLoadException("One-class SVM model: \"" + field + "\"[" + i + "] is not a number");
            }
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    @Override
    public String toString() {
        return "OneClassSvmModel[" + schema.size() + " features, threshold " + threshold + "]";
    }
}
