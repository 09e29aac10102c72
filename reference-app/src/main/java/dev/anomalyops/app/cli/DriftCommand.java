package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.app.pipeline.Drift;
import dev.anomalyops.app.pipeline.FeatureTable;
import dev.anomalyops.app.pipeline.PipelineConfig;
import dev.anomalyops.app.pipeline.Workspace;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.ModelRef;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.drift.FeatureDrift;
import dev.anomalyops.drift.ReferenceProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code anomalyops drift}: compare feature rows with a model's reference profile. */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Drift per feature against a model's reference profile.",
            "Compare feature rows with the drift reference profile in a model's bundle: PSI, KL and "
                + "Jensen-Shannon divergence, missing values and outliers per feature, and the score distribution.",
            "Exit code 5 with --fail-on-drift when a feature's PSI reaches drift.alert-psi."})
final class DriftCommand implements Callable<Integer> {
    /** Exit code when --fail-on-drift finds drift. */
    static final int DRIFTED = 5;

    @Mixin
    Output output;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    RegistryOption registry;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Model model;

    static final class Model {
        @Option(names = "--model", paramLabel = "NAME[/VERSION|@ALIAS]", description = "A registered model.")
        String ref;

        @Option(names = "--bundle", paramLabel = "DIR|ZIP", description = "A bundle directory or archive.")
        Path bundle;
    }

    @Option(names = "--input", paramLabel = "FILE", split = ",",
            description = "Feature Parquet file(s) (default: WORK/features/split=test/ of the configured machines).")
    List<Path> inputs;

    @Option(names = "--top", defaultValue = "10", description = "Features listed in the text output (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--fail-on-drift", description = "Exit with code 5 when a feature drifted.")
    boolean failOnDrift;

    @Override
    public Integer call() {
        PipelineConfig config = pipeline.load();
        ModelBundle bundle;
        if (model.bundle != null) {
            bundle = ModelBundle.read(model.bundle);
        } else {
            try (ModelRegistry models = PipelineOptions.registry(spec, registry, config)) {
                bundle = models.open(ModelRef.parse(model.ref));
            }
        }
        ReferenceProfile profile = ReferenceProfile.fromBundle(bundle).orElseThrow(() -> new InputException(
                "The bundle of \"" + bundle.manifest().name() + "\" " + bundle.manifest().version()
                        + " has no drift reference profile"));
        List<Path> files = inputs;
        if (files == null) {
            Workspace workspace = PipelineOptions.workspace(config);
            files = new ArrayList<>();
            for (String machine : config.data().machines()) {
                files.add(workspace.features("test", machine));
            }
        }
        List<FeatureTable> tables = new ArrayList<>();
        for (Path file : files) {
            tables.add(FeatureTable.read(file, bundle.manifest().schema()));
        }
        FeatureTable rows = FeatureTable.concat(tables);
        double[] scores = new double[rows.rows()];
        try (Scorer scorer = Scorers.open(bundle, ScorerOptions.defaults())) {
            scorer.score(rows.batch(), scores);
        }
        Drift.Comparison comparison = Drift.compare(profile, bundle.manifest().threshold(), files.toString(), rows,
                scores, config.drift().alertPsi());
        ObjectNode document = comparison.toJson();
        ArrayNode drifted = document.putArray("drifted");
        comparison.drifted().forEach(f -> drifted.add(f.name()));
        StringBuilder text = new StringBuilder(String.format("%,d rows; %d of %d features drifted (PSI >= %.2f); max"
                + " PSI %.3f; anomaly rate %.2f%%%n", rows.rows(), comparison.drifted().size(),
                comparison.report().features().size(), config.drift().alertPsi(), comparison.report().maxFeaturePsi(),
                100 * comparison.report().anomalyRate()));
        text.append(String.format("  %-24s %8s %8s %8s %9s%n", "feature", "PSI", "KL", "JS", "outliers"));
        for (FeatureDrift f : comparison.top(top)) {
            text.append(String.format("  %-24s %8.4f %8.4f %8.4f %8.2f%%%n", f.name(), f.psi(), f.klDivergence(),
                    f.jensenShannon(), f.outlierPercentage()));
        }
        output.print(document, text.toString().stripTrailing());
        return failOnDrift && !comparison.drifted().isEmpty() ? DRIFTED : 0;
    }
}
