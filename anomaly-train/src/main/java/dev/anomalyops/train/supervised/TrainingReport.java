package dev.anomalyops.train.supervised;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.train.eval.Confusion;
import dev.anomalyops.train.eval.Evaluation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link SupervisedTraining} produced: every model's hold-out figures, the champion's cross-validation,
 * the champion/challenger comparisons, the quality-gate verdict, and the champion's model bytes, from which
 * {@link #writeBundle} writes a deterministic bundle (same input and seeds, same bytes and checksum) and
 * {@link #register} registers it with the alias {@code staging} only when every gate passed.
 *
 * @param schema the features
 * @param trainRows training rows (fit + validation)
 * @param holdoutRows hold-out rows
 * @param trainingFingerprint SHA-256 of the training rows, labels and weights
 * @param models champion first, then challengers
 * @param crossValidation the champion's cross-validation, or null
 * @param comparisons champion versus each challenger
 * @param gates the quality-gate verdict on the champion
 * @param champion the champion's model and what goes with it into the bundle
 * @param thresholdRule how thresholds were chosen
 * @param createdAt the bundle's creation time (from the injected clock)
 */
public record TrainingReport(FeatureSchema schema, int trainRows, int holdoutRows, String trainingFingerprint,
        List<CandidateResult> models, CrossValidation.@Nullable Report crossValidation, List<Comparison> comparisons,
        QualityGates.Result gates, ChampionModel champion, String thresholdRule, Instant createdAt) {

    /** The alias a model that passes the gates gets. */
    public static final String STAGING = "staging";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** Copies the lists. */
    public TrainingReport {
        models = List.copyOf(models);
        comparisons = List.copyOf(comparisons);
    }

    /**
     * The champion's serialised model and its companions.
     *
     * @param format model format
     * @param fileName model file name in the bundle
     * @param bytes the model
     * @param parameters every parameter it was trained with
     * @param curve its loss curve
     * @param scaler the scaler it expects, or null
     * @param driftFileName the drift reference's file name, or null
     * @param driftReference the drift reference profile, or null
     */
    public record ChampionModel(ModelFormat format, String fileName, byte[] bytes, Map<String, String> parameters,
            TrainingCurve curve, @Nullable Scaler scaler, @Nullable String driftFileName,
            byte @Nullable [] driftReference) {}

    /** @return the champion's result */
    public CandidateResult championResult() {
        return models.get(0);
    }

    /** @return whether the champion passed every gate */
    public boolean passed() {
        return gates.passed();
    }

    /**
     * Writes the champion's bundle: model, schema, scaler, threshold, hold-out and cross-validation metrics,
     * parameters, drift reference, and {@code report.json} (folds, diagnostics, comparisons, gates; no timings, so
     * the bytes depend only on the input). Written whether or not the gates passed, so a failed model can be
     * inspected; only {@link #register} is gated.
     *
     * @param directory where to write (must not exist)
     * @param name bundle name
     * @param version bundle version
     * @return the bundle
     */
    public ModelBundle writeBundle(Path directory, String name, String version) {
        CandidateResult result = championResult();
        ModelBundle.Builder builder = ModelBundle.builder(name, version)
                .model(champion.format(), champion.fileName(), champion.bytes())
                .schema(schema)
                .threshold(result.threshold())
                .hyperParameters(new java.util.TreeMap<>(champion.parameters()))
                .trainingDataFingerprint(trainingFingerprint)
                .createdAt(createdAt)
                .metadata("trainer", result.name())
                .metadata("threshold_rule", result.thresholdRule())
                .metadata("quality_gates", gates.passed() ? "passed" : "failed")
                .file("report.json", toJson().getBytes(StandardCharsets.UTF_8));
        Map<String, Double> metrics = new java.util.TreeMap<>();
        result.holdout().figures("holdout_").forEach((k, v) -> metrics.put(k, v.doubleValue()));
        if (crossValidation != null) {
            metrics.putAll(crossValidation.metrics());
        }
        metrics.values().removeIf(v -> !Double.isFinite(v));
        builder.metrics(metrics);
        if (champion.scaler() != null) {
            builder.scaler(champion.scaler());
        }
        if (champion.driftReference() != null && champion.driftFileName() != null) {
            builder.driftReference(champion.driftFileName(), champion.driftReference());
        }
        return builder.writeTo(directory);
    }

    /**
     * Registers the bundle as a new version and points {@code staging} at it, but only when the champion passed
     * every gate; otherwise nothing is registered.
     *
     * @param registry the registry
     * @param model the registered model's name
     * @param bundle the bundle {@link #writeBundle} wrote
     * @return the version, or empty when a gate failed
     */
    public Optional<ModelVersion> register(ModelRegistry registry, String model, ModelBundle bundle) {
        if (!gates.passed()) {
            return Optional.empty();
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("trainer", championResult().name());
        tags.put("quality_gates", "passed");
        ModelVersion version = registry.register(model, bundle, tags);
        registry.setAlias(model, STAGING, version.version());
        return Optional.of(version);
    }

    /** @return the report as JSON text, deterministic for the same input (no timings) */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("train_rows", trainRows);
        root.put("holdout_rows", holdoutRows);
        root.put("training_fingerprint", trainingFingerprint);
        root.put("threshold_rule", thresholdRule);
        ArrayNode models = root.putArray("models");
        for (CandidateResult m : this.models) {
            ObjectNode node = models.addObject();
            node.put("name", m.name());
            node.put("role", m.role());
            node.put("threshold", m.threshold());
            node.put("threshold_rule", m.thresholdRule());
            node.put("rounds", m.rounds());
            figures(node.putObject("holdout"), m.holdout());
            Diagnostics d = m.diagnostics();
            if (d != null) {
                ObjectNode diag = node.putObject("diagnostics");
                confusion(diag.putObject("confusion"), d.confusion());
                diag.put("loss_metric", d.lossMetric());
                diag.put("train_loss", d.trainLoss());
                diag.put("validation_loss", d.validationLoss());
                diag.put("loss_gap", d.lossGap());
                diag.put("brier", d.brier());
                ArrayNode top = diag.putArray("top_features");
                for (FeatureImportance f : d.topFeatures()) {
                    top.addObject().put("feature", f.feature()).put("splits", f.splits()).put("gain", f.gain())
                            .put("total_gain", f.totalGain()).put("cover", f.cover());
                }
                ArrayNode calibration = diag.putArray("calibration");
                for (Diagnostics.CalibrationBin b : d.calibration()) {
                    calibration.addObject().put("lower", b.lower()).put("upper", b.upper()).put("rows", b.rows())
                            .put("mean_predicted", b.meanPredicted()).put("observed_rate", b.observedRate());
                }
            }
        }
        if (crossValidation != null) {
            ObjectNode cv = root.putObject("cross_validation");
            cv.put("scheme", crossValidation.scheme().name().toLowerCase(java.util.Locale.ROOT));
            ArrayNode folds = cv.putArray("folds");
            for (CrossValidation.Fold f : crossValidation.folds()) {
                folds.addObject().put("fold", f.fold()).put("train_rows", f.trainRows())
                        .put("validation_rows", f.validationRows()).put("threshold", f.threshold()).put("f1", f.f1())
                        .put("precision", f.precision()).put("recall", f.recall()).put("pr_auc", f.prAuc())
                        .put("roc_auc", f.rocAuc());
            }
            ObjectNode summary = cv.putObject("summary");
            crossValidation.summary().forEach((k, s) -> summary.putObject(k).put("mean", s.mean()).put("std", s.std()));
        }
        ArrayNode comparisons = root.putArray("comparisons");
        for (Comparison c : this.comparisons) {
            comparisons.addObject().put("champion", c.champion()).put("challenger", c.challenger())
                    .put("champion_f1", c.championConfusion().f1()).put("challenger_f1", c.challengerConfusion().f1())
                    .put("only_champion_right", c.onlyChampionRight())
                    .put("only_challenger_right", c.onlyChallengerRight()).put("mcnemar_p", c.mcnemarP())
                    .put("f1_difference", c.f1Difference()).put("f1_difference_low", c.f1DifferenceLow())
                    .put("f1_difference_high", c.f1DifferenceHigh()).put("recommendation", c.recommendation());
        }
        ObjectNode gateNode = root.putObject("quality_gates");
        gateNode.put("passed", gates.passed());
        ArrayNode failures = gateNode.putArray("failures");
        for (QualityGates.Failure f : gates.failures()) {
            failures.addObject().put("gate", f.gate()).put("required", f.required()).put("actual", f.actual())
                    .put("shortfall", f.shortfall()).put("message", f.toString());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void figures(ObjectNode node, Evaluation e) {
        e.figures("").forEach((k, v) -> {
            if (v instanceof Double d) {
                node.put(k, d);
            } else {
                node.put(k, v.longValue());
            }
        });
    }

    private static void confusion(ObjectNode node, Confusion c) {
        node.put("true_positives", c.truePositives()).put("false_positives", c.falsePositives())
                .put("true_negatives", c.trueNegatives()).put("false_negatives", c.falseNegatives());
    }

    static String fingerprint(TrainingData data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            float[] values = data.rows().values();
            for (float v : values) {
                if (buffer.remaining() < 4) {
                    digest.update(buffer.flip());
                    buffer.clear();
                }
                buffer.putFloat(v);
            }
            for (int i = 0; i < data.size(); i++) {
                if (buffer.remaining() < 8) {
                    digest.update(buffer.flip());
                    buffer.clear();
                }
                buffer.putInt(data.labels()[i]).putFloat(data.weights()[i]);
            }
            digest.update(buffer.flip());
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
