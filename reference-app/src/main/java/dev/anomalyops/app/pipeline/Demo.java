package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.drift.ReferenceProfile;
import dev.anomalyops.features.metrics.BatchFeatures;
import dev.anomalyops.features.metrics.FeatureFrame;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.train.supervised.TrainingReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The whole pipeline on the bundled public data, with no server and no cloud account: each stage is a function
 * of the shared {@link State}, run in order; a stage that a later issue adds is one more entry in
 * {@link #stages()}. Writes everything under {@code <work-dir>/demo} (replaced on each run, registry included),
 * the HTML report {@code report.html} and {@code summary.json}.
 */
public final class Demo {
    /** Share of each machine's test split the supervised models learn from; the rest is the held-out stream. */
    static final double SUPERVISED_SHARE = 0.7;
    private static final int SUPERVISED_ROUNDS = 50;
    private static final int SUPERVISED_FOLDS = 3;
    /**
     * The demo's gate. The labels are mostly the detector's own pseudo-labels, so {@code anomalyops train}'s default
     * ({@code f1>0.85,precision>0.9}, meant for human-labelled data) is not the bar here.
     */
    static final String SUPERVISED_GATES = "pr_auc>0.3";

    private Demo() {}

    /**
     * One step of the demo.
     *
     * @param name shown in progress and the report
     * @param action what it does
     */
    public record Stage(String name, java.util.function.Consumer<State> action) {}

    /** What the stages share: inputs, and each stage's result once it ran. */
    public static final class State {
        /** The configuration. */
        public final PipelineConfig config;
        /** The demo's work directory. */
        public final Workspace workspace;
        /** Progress lines. */
        public final Progress progress;
        /** The clock for labels and bundles. */
        public final Clock clock;
        /** Ingest result. */
        public Ingest.@Nullable Result ingest;
        /** Validation result. */
        public Validate.@Nullable Result validation;
        /** Feature rows. */
        public Features.@Nullable Result features;
        /** Parsed logs and mined templates, per system. */
        public final Map<String, Logs.SystemResult> logs = new LinkedHashMap<>();
        /** The detector, scores, review and evaluation. */
        public Detect.@Nullable Result detect;
        /** The supervised step's rows: the first part of each machine's test split. */
        public @Nullable FeatureTable supervisedRows;
        /** The held-out stream scored through the server: the rest of each machine's test split. */
        public @Nullable FeatureTable stream;
        /** XGBoost champion and LightGBM challenger, cross-validation and gates. */
        public @Nullable TrainingReport training;
        /** The champion's bundle. */
        public @Nullable ModelBundle trainedBundle;
        /** The registered detector. */
        public @Nullable ModelVersion registered;
        /** The registered supervised champion ({@code staging}), when its gates passed. */
        public @Nullable ModelVersion registeredChampion;
        /** What the server answered for the held-out stream. */
        public Serving.@Nullable Result serving;
        /** Drift comparisons. */
        public final List<Drift.Comparison> drift = new ArrayList<>();
        /** Explained anomalies. */
        public final List<Explain.Explanation> explanations = new ArrayList<>();
        /** The same anomalies explained by the embedded explainer from similar past incidents. */
        public final List<Rag.Explained> ragExplanations = new ArrayList<>();
        /** The Spark stage's figures, when the demo ran with it. */
        public SparkStage.@Nullable Result spark;
        /** Seconds per stage, in order. */
        public final Map<String, Double> seconds = new LinkedHashMap<>();
        /** What the reader should know (what the demo stands in for). */
        public final List<String> notes = new ArrayList<>();

        State(PipelineConfig config, Workspace workspace, Progress progress, Clock clock) {
            this.config = config;
            this.workspace = workspace;
            this.progress = progress;
            this.clock = clock;
        }
    }

    /**
     * @param state the finished state
     * @param report the HTML report
     * @param summary the JSON summary file
     * @param seconds wall time of the whole run
     */
    public record Result(State state, Path report, Path summary, double seconds) {}

    /** @return the stages, in order, without the optional Spark stage */
    public static List<Stage> stages() {
        return stages(false);
    }

    /**
     * @param spark whether to end with the Spark stage ({@link SparkStage}: Spark local mode in a child JVM)
     * @return the stages, in order
     */
    public static List<Stage> stages(boolean spark) {
        List<Stage> stages = new ArrayList<>(singleMachineStages());
        if (spark) {
            stages.add(new Stage("spark (local mode)", s -> s.spark = SparkStage.run(s.config, s.workspace,
                    s.features.spec(), s.progress)));
        }
        return List.copyOf(stages);
    }

    private static List<Stage> singleMachineStages() {
        return List.of(
                new Stage("ingest", s -> s.ingest = Ingest.run(s.config, s.workspace, s.progress)),
                new Stage("validate", s -> s.validation = Validate.run(s.config, s.workspace, s.progress)),
                new Stage("features", s -> s.features = Features.run(s.config, s.workspace, s.progress)),
                new Stage("parse logs", s -> s.logs.putAll(Logs.run(s.config, s.workspace, s.progress))),
                new Stage("detect and review", Demo::detect),
                new Stage("train champion and challenger", Demo::train),
                new Stage("register", Demo::register),
                new Stage("serve and A/B", Demo::serve),
                new Stage("drift", Demo::drift),
                new Stage("explain", Demo::explain));
    }

    /**
     * Runs every stage, then writes the reports.
     *
     * @param config the configuration
     * @param progress progress lines
     * @param clock time of labels and bundles
     * @return where the reports are
     */
    public static Result run(PipelineConfig config, Progress progress, Clock clock) {
        return run(config, progress, clock, false);
    }

    /**
     * Runs every stage, the Spark stage last when asked for, then writes the reports.
     *
     * @param config the configuration
     * @param progress progress lines
     * @param clock time of labels and bundles
     * @param spark whether to run the Spark stage too
     * @return where the reports are
     */
    public static Result run(PipelineConfig config, Progress progress, Clock clock, boolean spark) {
        long start = System.nanoTime();
        Path root = config.workDir().resolve("demo");
        Workspace.deleteTree(root);
        Workspace workspace = new Workspace(root);
        workspace.directory("");
        State state = new State(config, workspace, progress, clock);
        List<Stage> stages = stages(spark);
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            progress.line(String.format("[%d/%d] %s", i + 1, stages.size(), stage.name()));
            long t0 = System.nanoTime();
            stage.action().accept(state);
            state.seconds.put(stage.name(), (System.nanoTime() - t0) / 1e9);
        }
        state.notes.add("The review queue was answered from the dataset's labels (there is nobody to ask in a demo);"
                + " those answers are stored as human labels by \"" + Detect.DATASET_REVIEWER + "\".");
        state.notes.add("SMD has no timestamps: samples got one-minute timestamps from " + Ingest.START
                + ", the test split continuing after the training split.");
        state.notes.add("Log lines are parsed with the system's Loghub format and their templates mined; the demo's"
                + " detector is trained on the metrics only (log-window features are in docs/log-parsing.md).");
        state.notes.add("The supervised models learn the label store's labels (the detector's pseudo-labels and the"
                + " reviewer's answers) on the first " + Math.round(100 * SUPERVISED_SHARE) + "% of each machine's test"
                + " split; the rest is the held-out stream the server scores. The challenger is LightGBM, trained in"
                + " the JVM; a CatBoost challenger trained elsewhere is scored with \"anomalyops train"
                + " --import-challenger\". The demo's quality gate is " + SUPERVISED_GATES + " on the hold-out (the labels"
                + " are mostly pseudo-labels); a champion that passes is registered as staging and gets half the"
                + " traffic in an A/B test against the production detector.");
        state.notes.add("The embedded explainer (\"anomalyops explain\": MiniLM embeddings, embedded incident store,"
                + " template explainer, grounding check) explains each top anomaly from the dataset's labelled"
                + " incidents that began before it; no language model is configured in the demo.");
        double seconds = (System.nanoTime() - start) / 1e9;
        Path report = workspace.report();
        Path summary = root.resolve("summary.json");
        try {
            Files.writeString(report, HtmlReport.render(state, seconds), StandardCharsets.UTF_8);
            Files.writeString(summary, PipelineJson.MAPPER.writeValueAsString(summary(state,
                    seconds)) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StorageException("Cannot write the demo report in \"" + root + "\": " + e.getMessage(), e);
        }
        return new Result(state, report, summary, seconds);
    }

    private static void detect(State s) {
        s.detect = Detect.run(s.config, s.features.split("train"), s.features.split("test"), s.workspace, s.clock,
                s.progress);
    }

    private static void train(State s) {
        FeatureTable[] parts = Serving.splitPerInstance(s.features.split("test"), SUPERVISED_SHARE);
        s.supervisedRows = parts[0];
        s.stream = parts[1];
        s.training = Supervised.train(s.supervisedRows, s.detect.labelStore(), SUPERVISED_ROUNDS, SUPERVISED_FOLDS,
                SUPERVISED_GATES, s.config.detector().seed());
        s.trainedBundle = s.training.writeBundle(s.workspace.root().resolve("bundles/supervised"), s.config.model(),
                "supervised");
        for (String line : Supervised.describe(s.training).split("\n")) {
            s.progress.line("  " + line);
        }
    }

    private static void register(State s) {
        try (ModelRegistry registry = FileModelRegistry.open(s.workspace.root().resolve("registry"))) {
            ModelVersion version = registry.register(s.config.model(), s.detect.bundle(), Map.of("run", "demo",
                    "detector", s.detect.model().detector()));
            registry.setAlias(version.model(), Aliases.PRODUCTION, version.version());
            s.registered = version;
            s.progress.line("  registered " + version.ref() + " as " + Aliases.PRODUCTION + " in "
                    + s.workspace.root().relativize(s.workspace.root().resolve("registry")));
            s.registeredChampion = s.training.register(registry, s.config.model(), s.trainedBundle).orElse(null);
            s.progress.line(s.registeredChampion == null ? "  the supervised champion failed its gates: not registered"
                    : "  registered " + s.registeredChampion.ref() + " (" + s.training.championResult().name()
                            + ") as " + TrainingReport.STAGING);
        }
    }

    private static void serve(State s) {
        s.serving = Serving.scoreThroughServer(s.workspace.root().resolve("registry"),
                s.workspace.root().resolve("server-state"), s.config.model(), s.registeredChampion != null,
                s.stream, s.clock, s.progress);
    }

    private static void drift(State s) {
        ReferenceProfile profile = ReferenceProfile.fromBundle(s.detect.bundle()).orElseThrow();
        double threshold = s.detect.model().threshold();
        double alert = s.config.drift().alertPsi();
        FeatureTable test = s.features.split("test");
        s.drift.add(Drift.compare(profile, threshold, "held-out test split", test, s.detect.testScores(), alert));

        // The shifted stream: the first machine's validated test metrics with a constant added to a few metrics,
        // run through the same feature kernel and detector as production would.
        String machine = s.config.data().machines().get(0);
        MetricFrame metrics = Features.readMetrics(s.features.spec(), s.workspace.valid("test", machine));
        MetricFrame shifted = Drift.shift(metrics, s.config.drift().shiftedMetrics(), s.config.drift().shift());
        FeatureFrame frame = BatchFeatures.of(s.features.spec()).compute(shifted);
        FeatureTable rows = FeatureTable.of(frame, null);
        double[] scores = Detect.scoreInChunks(s.detect.model(), rows, "scoring the shifted stream", s.progress);
        s.drift.add(Drift.compare(profile, threshold, String.format("shifted stream (%s, first %d metrics %+.2f)",
                machine, s.config.drift().shiftedMetrics(), s.config.drift().shift()), rows, scores, alert));
        for (Drift.Comparison c : s.drift) {
            s.progress.line(String.format("  %-45s max PSI %.3f, %d features drifted (PSI >= %.2f), anomaly rate %.1f%%",
                    c.name(), c.report().maxFeaturePsi(), c.drifted().size(), alert, 100 * c.report().anomalyRate()));
        }
    }

    private static void explain(State s) {
        FeatureTable train = s.features.split("train");
        FeatureTable test = s.features.split("test");
        Map<String, Long> testStart = new LinkedHashMap<>();
        Map<String, List<Explain.Incident>> incidents = new LinkedHashMap<>();
        for (String machine : s.config.data().machines()) {
            long trainRows = s.ingest.rows().getOrDefault("train/" + machine, 0L);
            testStart.put(machine, Ingest.START.plus(Ingest.STEP.multipliedBy(trainRows)).toEpochMilli());
            if (!s.config.data().source().startsWith("s3://")) {
                incidents.put(machine, Explain.readIncidents(Path.of(s.config.data().source())
                        .resolve("smd/interpretation_label/" + machine + ".txt")));
            }
        }
        List<String> metrics = s.features.spec().metricNames();
        s.explanations.addAll(Explain.topAnomalies(train, test, s.detect.testScores(), metrics, 5, 60, testStart,
                incidents));
        for (Explain.Explanation e : s.explanations) {
            s.progress.line("  " + e.sentence());
        }
        s.ragExplanations.addAll(Rag.explain(s.explanations, incidents, testStart, s.detect.model().threshold(),
                s.progress));
    }

    /**
     * @param state a finished state
     * @param seconds wall time
     * @return the machine-readable summary
     */
    public static ObjectNode summary(State state, double seconds) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("seconds", seconds);
        node.put("workDir", state.workspace.root().toString());
        node.put("report", state.workspace.report().toString());
        ObjectNode stages = node.putObject("stages");
        state.seconds.forEach(stages::put);
        if (state.ingest != null) {
            node.set("ingest", state.ingest.toJson());
        }
        if (state.validation != null) {
            node.set("validation", state.validation.toJson());
        }
        if (state.features != null) {
            node.set("features", state.features.toJson());
        }
        ArrayNode logs = node.putArray("logs");
        state.logs.values().forEach(l -> logs.add(l.toJson()));
        if (state.detect != null) {
            node.set("detector", state.detect.toJson());
        }
        if (state.training != null) {
            try {
                node.set("training", PipelineJson.MAPPER.readTree(state.training.toJson()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        if (state.registered != null) {
            node.put("registered", state.registered.ref());
        }
        if (state.registeredChampion != null) {
            node.put("registeredChampion", state.registeredChampion.ref());
        }
        if (state.serving != null) {
            node.set("serving", state.serving.toJson());
        }
        ArrayNode drift = node.putArray("drift");
        state.drift.forEach(c -> drift.add(c.toJson()));
        ArrayNode explanations = node.putArray("explanations");
        state.explanations.forEach(e -> explanations.add(e.toJson()));
        ArrayNode rag = node.putArray("ragExplanations");
        state.ragExplanations.forEach(e -> rag.add(e.toJson()));
        if (state.spark != null) {
            node.set("spark", state.spark.figures());
        }
        state.notes.forEach(node.putArray("notes")::add);
        return node;
    }
}
