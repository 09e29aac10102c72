package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.drift.ProfileOptions;
import dev.anomalyops.drift.ReferenceProfile;
import dev.anomalyops.features.metrics.BatchFeatures;
import dev.anomalyops.features.metrics.FeatureFrame;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.detect.Contamination;
import dev.anomalyops.train.detect.DetectorModel;
import dev.anomalyops.train.detect.IsolationForest;
import dev.anomalyops.train.eval.RankingMetrics;
import dev.anomalyops.train.label.Label;
import dev.anomalyops.train.label.LabelSource;
import dev.anomalyops.train.label.LabelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The retraining job: takes the last {@code retrain.days} of processed (validated) metrics from the work
 * directory, or from {@code retrain.source} (a folder or {@code s3://bucket/prefix} laid out like the work
 * directory, downloaded into the run's scratch folder), rebuilds the features, re-labels them with the current model ({@code production}, else the newest
 * version) and the accumulated human labels of the label store, fits a new detector, runs the gates and registers
 * it under {@code retrain.alias} (default {@code staging}).
 *
 * <p><b>Idempotent per run id</b>: the version is registered with the tag {@code run=<id>}; a run whose id is
 * already registered for the model does nothing and reports that version (a run that stopped after registering
 * but before the alias moved finishes by moving it). <b>A failed run leaves the registry unchanged</b>: every
 * check (data, labels, gates) runs before the one registry write, registration is atomic in every registry, and
 * the run's scratch folder is deleted. Starting a canary of the new version on a reference server is the caller's
 * next step ({@link CanaryStart}).
 */
public final class Retrain {
    /** Tag that carries the run id. */
    public static final String RUN_TAG = "run";

    private Retrain() {}

    /**
     * @param runId the run id
     * @param version the registered version
     * @param alreadyDone whether an earlier run with this id had registered it
     * @param rows training rows
     * @param humanLabels rows with a human label
     * @param gates gate name to its outcome (sentences)
     * @param newPrAuc PR-AUC of the new model on the human-labelled rows (NaN without both classes)
     * @param currentPrAuc the same for the current model (NaN without one)
     * @param current the model version it was compared with, if any
     */
    public record Result(String runId, ModelVersion version, boolean alreadyDone, int rows, int humanLabels,
            Map<String, String> gates, double newPrAuc, double currentPrAuc, Optional<String> current) {
        /** @return a JSON summary */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("runId", runId);
            node.put("ref", version.ref());
            node.put("version", version.version());
            node.put("alreadyDone", alreadyDone);
            node.put("rows", rows);
            node.put("humanLabels", humanLabels);
            gates.forEach(node.putObject("gates")::put);
            node.put("newPrAuc", newPrAuc);
            node.put("currentPrAuc", currentPrAuc);
            current.ifPresent(c -> node.put("comparedWith", c));
            return node;
        }
    }

    /** Thrown when a gate rejects the new model; nothing was registered. */
    public static final class GateFailedException extends NonRetriableException {
        private static final long serialVersionUID = 1L;

        GateFailedException(String message) {
            super(message);
        }
    }

    /**
     * Runs the job.
     *
     * @param config the configuration (machines, retrain settings, detector settings)
     * @param workspace the work directory holding {@code valid/} and {@code labels.jsonl}
     * @param registry the registry (not closed)
     * @param runId the run id ({@code [A-Za-z0-9._-]+})
     * @param clock for the bundle's creation time
     * @param progress progress lines
     * @return what was registered
     * @throws GateFailedException when a gate rejects the new model
     */
    public static Result run(PipelineConfig config, Workspace workspace, ModelRegistry registry, String runId,
            Clock clock, Progress progress) {
        return run(config, workspace, registry, runId, clock, progress, Ingest::defaultS3Client);
    }

    /**
     * Runs the job with a given S3 client for an {@code s3://} {@code retrain.source} (tests, or callers with their
     * own credentials).
     *
     * @param config the configuration
     * @param workspace the work directory ({@code labels.jsonl}; {@code valid/} unless {@code retrain.source} is set)
     * @param registry the registry (not closed)
     * @param runId the run id
     * @param clock for the bundle's creation time
     * @param progress progress lines
     * @param s3 makes the client for an {@code s3://} source (closed at the end)
     * @return what was registered
     * @throws GateFailedException when a gate rejects the new model
     */
    public static Result run(PipelineConfig config, Workspace workspace, ModelRegistry registry, String runId,
            Clock clock, Progress progress, Supplier<S3Client> s3) {
        if (!runId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new ConfigurationException("Run id \"" + runId + "\" must be 1-128 letters, digits, '.', '_' or '-'");
        }
        String model = config.model();
        String alias = config.retrain().alias();
        Optional<ModelVersion> done = registry.search(Map.of(RUN_TAG, runId)).stream()
                .filter(v -> v.model().equals(model)).findFirst();
        if (done.isPresent()) {
            ModelVersion version = done.get();
            if (!Integer.valueOf(version.version()).equals(registry.aliases(model).get(alias))) {
                registry.setAlias(model, alias, version.version());
            }
            progress.line("  run " + runId + " already registered " + version.ref() + "; nothing to do");
            return new Result(runId, version, true, 0, 0, Map.of(), Double.NaN, Double.NaN, Optional.empty());
        }

        Path scratch = workspace.root().resolve("retrain").resolve(runId);
        Workspace.deleteTree(scratch);
        try {
            return train(config, workspace, registry, runId, clock, progress, s3, scratch);
        } finally {
            Workspace.deleteTree(scratch);
        }
    }

    private static Result train(PipelineConfig config, Workspace workspace, ModelRegistry registry, String runId,
            Clock clock, Progress progress, Supplier<S3Client> s3, Path scratch) {
        String model = config.model();
        String alias = config.retrain().alias();
        // 1. The last N days of processed data, features rebuilt.
        List<FeatureTable> parts = new ArrayList<>();
        FeatureSpec spec = null;
        String source = config.retrain().source();
        Workspace processed = source.isEmpty() || source.startsWith("s3://") ? workspace
                : new Workspace(Path.of(source));
        try (Ingest.Source remote = source.startsWith("s3://")
                ? Ingest.Source.open("retrain.source", source, scratch.resolve("download"), s3) : null) {
            for (String machine : config.data().machines()) {
                List<MetricFrame> frames = new ArrayList<>();
                for (String split : Workspace.SPLITS) {
                    Path valid;
                    if (remote != null) {
                        valid = remote.fetch(workspace.root().relativize(workspace.valid(split, machine)).toString()
                                .replace(java.io.File.separatorChar, '/'));
                    } else {
                        valid = processed.valid(split, machine);
                        if (!Files.exists(valid)) {
                            throw new InputException("No processed data for \"" + machine + "\" (" + valid
                                    + " is missing); run ingest and validate first");
                        }
                    }
                    if (spec == null) {
                        spec = Features.spec(config, Features.metricsOf(valid));
                    }
                    frames.add(Features.readMetrics(spec, valid));
                }
                MetricFrame recent = lastDays(frames, Duration.ofDays(config.retrain().days()), spec.metricNames());
                FeatureFrame features = BatchFeatures.of(spec).compute(recent);
                parts.add(FeatureTable.of(features, null));
            }
        }
        FeatureTable rows = FeatureTable.concat(parts);
        progress.line(String.format("  %,d rows from the last %d days of %s, %d features", rows.rows(),
                config.retrain().days(), source.isEmpty() ? workspace.root() + "/valid" : source,
                rows.schema().size()));

        // 2. Labels: the current model's pseudo-labels, overridden by human labels.
        Optional<ModelVersion> currentVersion = registry.resolve(model, Aliases.PRODUCTION)
                .or(() -> registry.versions(model).stream().reduce((a, b) -> b));
        double[] currentScores = null;
        double currentThreshold = Double.NaN;
        if (currentVersion.isPresent()) {
            ModelBundle bundle = registry.open(currentVersion.get());
            try (Scorer scorer = Scorers.open(bundle, ScorerOptions.defaults())) {
                currentScores = new double[rows.rows()];
                scorer.score(rows.batch(), currentScores);
            }
            currentThreshold = bundle.manifest().threshold();
        }
        Map<String, Label> human = new LinkedHashMap<>();
        if (Files.exists(workspace.labels())) {
            try (LabelStore store = LabelStore.open(workspace.labels(), clock)) {
                store.effective().forEach((id, label) -> {
                    if (label.source() != LabelSource.PSEUDO) {
                        human.put(id, label);
                    }
                });
            }
        }
        List<Integer> labelledRows = new ArrayList<>();
        int[] labels = new int[rows.rows()];
        int pseudoAnomalies = 0;
        for (int r = 0; r < rows.rows(); r++) {
            Label label = human.get(Detect.rowId(rows, r));
            if (label != null) {
                labels[r] = label.value();
                labelledRows.add(r);
            } else if (currentScores != null) {
                labels[r] = currentScores[r] >= currentThreshold ? 1 : 0;
                pseudoAnomalies += labels[r];
            }
        }
        progress.line(String.format("  labels: %,d human, %,d pseudo-anomalies from %s", labelledRows.size(),
                pseudoAnomalies, currentVersion.map(ModelVersion::ref).orElse("no current model")));

        // 3. Train. The detector is unsupervised; the labels feed the gates (and the supervised challenger).
        PipelineConfig.Detector settings = config.detector();
        DetectorModel detector = IsolationForest.builder().trees(settings.trees())
                .contamination(Contamination.parse(settings.contamination())).seed(settings.seed())
                .threads(settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors())
                .build().fit(RowSource.of(rows.batch()));
        double[] newScores = Detect.scoreInChunks(detector, rows, "scoring with the new detector", progress);

        // 4. Gates, on the rows people labelled (the only labels the current model did not produce itself).
        Map<String, String> gates = new LinkedHashMap<>();
        double newAuc = prAuc(newScores, labels, labelledRows);
        double currentAuc = currentScores == null ? Double.NaN : prAuc(currentScores, labels, labelledRows);
        List<String> failed = new ArrayList<>();
        if (Double.isNaN(newAuc)) {
            // Without both classes among the human labels the gate cannot be checked: that passes only when no
            // minimum was asked for.
            boolean required = config.retrain().minPrAuc() > 0;
            gates.put("pr_auc", (required ? "FAILED" : "skipped") + ": the human labels in the window do not hold"
                    + " both classes");
            if (required) {
                failed.add(gates.get("pr_auc"));
            }
        } else {
            boolean pass = newAuc >= config.retrain().minPrAuc();
            gates.put("pr_auc", String.format("%s: %.4f >= %.4f", pass ? "passed" : "FAILED", newAuc,
                    config.retrain().minPrAuc()));
            if (!pass) {
                failed.add(gates.get("pr_auc"));
            }
            if (!Double.isNaN(currentAuc)) {
                boolean ok = newAuc >= currentAuc - config.retrain().maxPrAucDrop();
                gates.put("no_regression", String.format("%s: %.4f >= %.4f - %.4f (%s)", ok ? "passed" : "FAILED",
                        newAuc, currentAuc, config.retrain().maxPrAucDrop(), currentVersion.get().ref()));
                if (!ok) {
                    failed.add(gates.get("no_regression"));
                }
            }
        }
        gates.forEach((name, outcome) -> progress.line("  gate " + name + ": " + outcome));
        if (!failed.isEmpty()) {
            throw new GateFailedException("Retrain run \"" + runId + "\" failed its gates (" + String.join("; ", failed)
                    + "); the registry is unchanged");
        }

        // 5. Register (the one write), then move the alias.
        ReferenceProfile profile = ReferenceProfile.learn(rows.batch(), newScores, ProfileOptions.defaults());
        ModelBundle bundle = profile.addTo(detector.toBundle(model, runId))
                .metadata("retrain.run_id", runId)
                .metadata("retrain.days", Integer.toString(config.retrain().days()))
                .metadata("retrain.human_labels", Integer.toString(labelledRows.size()))
                .createdAt(clock.instant())
                .writeTo(scratch.resolve("bundle"));
        ModelVersion version = registry.register(model, bundle, Map.of(RUN_TAG, runId, "detector",
                detector.detector()));
        registry.setAlias(model, alias, version.version());
        progress.line("  registered " + version.ref() + " as " + alias);
        return new Result(runId, version, false, rows.rows(), labelledRows.size(), gates, newAuc, currentAuc,
                currentVersion.map(ModelVersion::ref));
    }

    private static double prAuc(double[] scores, int[] labels, List<Integer> rows) {
        double[] s = new double[rows.size()];
        int[] l = new int[rows.size()];
        int positives = 0;
        for (int i = 0; i < s.length; i++) {
            s[i] = scores[rows.get(i)];
            l[i] = labels[rows.get(i)];
            positives += l[i];
        }
        if (positives == 0 || positives == s.length) {
            return Double.NaN;
        }
        return RankingMetrics.averagePrecision(s, l);
    }

    private static MetricFrame lastDays(List<MetricFrame> frames, Duration days, List<String> metrics) {
        long newest = Long.MIN_VALUE;
        for (MetricFrame f : frames) {
            for (int r = 0; r < f.rows(); r++) {
                newest = Math.max(newest, f.timestamp(r));
            }
        }
        long from = newest - days.toMillis();
        MetricFrame out = new MetricFrame(metrics, 1024);
        double[] row = new double[metrics.size()];
        for (MetricFrame f : frames) {
            for (int r = 0; r < f.rows(); r++) {
                if (f.timestamp(r) > from) {
                    for (int m = 0; m < row.length; m++) {
                        row[m] = f.value(r, m);
                    }
                    out.add(f.instance(r), f.timestamp(r), row);
                }
            }
        }
        return out;
    }
}
