package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.app.pipeline.Supervised;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.train.label.TrainingSet;
import dev.anomalyops.train.supervised.ClassWeighting;
import dev.anomalyops.train.supervised.CrossValidation;
import dev.anomalyops.train.supervised.FoldScheme;
import dev.anomalyops.train.supervised.ImportedModel;
import dev.anomalyops.train.supervised.LightgbmTrainer;
import dev.anomalyops.train.supervised.QualityGates;
import dev.anomalyops.train.supervised.SupervisedTraining;
import dev.anomalyops.train.supervised.ThresholdRule;
import dev.anomalyops.train.supervised.TrainingData;
import dev.anomalyops.train.supervised.TrainingReport;
import dev.anomalyops.train.supervised.XgboostTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code anomalyops train}: labelled rows (CSV or Parquet + the label store) to a model bundle. Trains the XGBoost
 * champion and the LightGBM challenger (and scores an imported CatBoost challenger), cross-validates, chooses the
 * threshold, checks the quality gates, writes the bundle and, with {@code --register}, registers it as
 * {@code staging} only when every gate passed. Exits 1 when a gate failed (the report says which and by how much).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the XGBoost champion (and challengers) on labelled rows, write the bundle, register it "
                + "as staging when the quality gates pass.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    TrainingInput input;

    @Mixin
    RegistryOption registry;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the bundle (must not exist).")
    Path out;

    @Option(names = "--name", defaultValue = "anomaly", description = "Bundle and registered model name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--bundle-version", defaultValue = "1", description = "Bundle version label (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = "--register", description = "Register the bundle (alias staging) when every gate passes.")
    boolean register;

    @Option(names = "--rounds", defaultValue = "100", description = "Boosting rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--max-depth", defaultValue = "6", description = "XGBoost max_depth (default: ${DEFAULT-VALUE}).")
    int maxDepth;

    @Option(names = "--eta", defaultValue = "0.3", description = "XGBoost learning rate (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--early-stopping", defaultValue = "0",
            description = "Stop after this many rounds without validation improvement; 0 = off (default).")
    int earlyStopping;

    @Option(names = "--class-weighting", defaultValue = "balanced",
            description = "none, balanced or a scale_pos_weight number (default: ${DEFAULT-VALUE}).")
    String classWeighting;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Any other XGBoost parameter; repeatable.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--challenger", defaultValue = "lightgbm", description = "JVM-trained challenger: lightgbm or none.")
    String challenger;

    @Option(names = "--import-challenger", paramLabel = "MODEL",
            description = "A model trained elsewhere (CatBoost .cbm or .json) to compare on the same hold-out.")
    Path importChallenger;

    @Option(names = "--cv-folds", defaultValue = "5", description = "Cross-validation folds; 0 = none (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--cv-scheme", defaultValue = "auto",
            description = "auto (forward-chaining when features are lags/windows, else stratified), stratified, "
                    + "forward-chaining or blocked.")
    String scheme;

    @Option(names = "--threshold", defaultValue = "f1",
            description = "Threshold rule: f1 (best F1) or precision>=P (default: ${DEFAULT-VALUE}).")
    String threshold;

    @Option(names = "--gates", defaultValue = "f1>0.85,precision>0.9",
            description = "Quality gates on the hold-out, or none (default: ${DEFAULT-VALUE}).")
    String gates;

    @Option(names = "--holdout-fraction", defaultValue = "0.2",
            description = "Latest share of the rows kept for the hold-out (default: ${DEFAULT-VALUE}).")
    double holdoutFraction;

    @Override
    public Integer call() throws Exception {
        TrainingSet set = input.trainingSet();
        output.progress(String.format(Locale.ROOT, "Training on %d labelled rows x %d features ...", set.size(),
                set.rows().columns()));
        TrainingData data = TrainingData.from(set);
        XgboostTrainer.Builder champion = XgboostTrainer.builder().rounds(rounds).maxDepth(maxDepth).learningRate(eta)
                .earlyStoppingRounds(earlyStopping).classWeighting(ClassWeighting.parse(classWeighting)).seed(seed);
        params.forEach(champion::param);
        SupervisedTraining.Builder stage = SupervisedTraining.builder()
                .champion(champion.build())
                .thresholdRule(ThresholdRule.parse(threshold))
                .gates(QualityGates.parse(gates))
                .holdoutFraction(holdoutFraction)
                .seed(seed)
                .driftProfiler(Supervised.driftProfiler());
        if (folds > 0) {
            stage.crossValidation(CrossValidation.builder().folds(folds).seed(seed).scheme(scheme()).build());
        }
        switch (challenger) {
            case "lightgbm" -> stage.challenger(LightgbmTrainer.builder().rounds(rounds).seed(seed).build());
            case "none" -> { }
            default -> throw new IllegalArgumentException("--challenger must be lightgbm or none but was \"" + challenger + "\"");
        }
        ImportedModel imported = null;
        try {
            if (importChallenger != null) {
                ModelFormat format = importChallenger.toString().endsWith(".cbm") ? ModelFormat.CATBOOST_CBM
                        : ModelFormat.CATBOOST_JSON;
                imported = ImportedModel.importFile("catboost-imported", importChallenger, format, data.schema(), 0.5,
                        Files.createTempDirectory("anomalyops-import-").resolve("bundle"));
                stage.imported(imported);
            }
            TrainingReport report = stage.build().run(data);
            ModelBundle bundle = report.writeBundle(out, name, version);
            ObjectNode document = output.object();
            document.set("report", Output.mapper().readTree(report.toJson()));
            document.put("bundle", out.toString());
            document.put("checksum", bundle.checksum());
            Optional<ModelVersion> registered = Optional.empty();
            if (register) {
                try (ModelRegistry models = registry.open()) {
                    registered = report.register(models, name, bundle);
                }
                registered.ifPresent(v -> document.set("registered", Documents.version(v)));
            }
            output.print(document, text(report, registered));
            return report.passed() ? 0 : AnomalyOpsCli.FAILED;
        } finally {
            if (imported != null) {
                imported.close();
            }
        }
    }

    private FoldScheme scheme() {
        return switch (scheme) {
            case "auto" -> null;
            case "stratified" -> FoldScheme.STRATIFIED;
            case "forward-chaining" -> FoldScheme.FORWARD_CHAINING;
            case "blocked" -> FoldScheme.BLOCKED;
            default -> throw new IllegalArgumentException("--cv-scheme must be auto, stratified, forward-chaining or "
                    + "blocked but was \"" + scheme + "\"");
        };
    }

    private String text(TrainingReport report, Optional<ModelVersion> registered) {
        StringBuilder text = new StringBuilder(Supervised.describe(report));
        text.append("\nBundle ").append(out);
        registered.ifPresent(v -> text.append("\nRegistered ").append(v.ref()).append(" as staging"));
        return text.toString();
    }

}
