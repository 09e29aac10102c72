package dev.anomalyops.app.cli;

import dev.anomalyops.app.pipeline.Features;
import dev.anomalyops.app.pipeline.PipelineConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code anomalyops features}: feature rows from the validated metrics. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Compute feature rows from the validated metrics.",
            "Compute feature rows from the validated metrics (WORK/valid/) with the feature spec "
                + "(features.spec, or raw values, rolling statistics and differences from features.*) and write "
                + "them to WORK/features/.",
            "Run validate first."})
final class FeaturesCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() {
        PipelineConfig config = pipeline.load();
        Features.Result result = Features.run(config, PipelineOptions.workspace(config), output::progress);
        long rows = result.tables().values().stream().mapToLong(t -> t.rows()).sum();
        output.print(result.toJson(), String.format("Computed %,d rows x %d features (schema %s) into %s", rows,
                result.spec().schema().size(), result.spec().schema().fingerprint(), config.workDir().resolve("features")));
        return 0;
    }
}
