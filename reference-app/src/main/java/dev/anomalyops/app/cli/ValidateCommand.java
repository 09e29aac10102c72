package dev.anomalyops.app.cli;

import dev.anomalyops.app.pipeline.PipelineConfig;
import dev.anomalyops.app.pipeline.Validate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code anomalyops validate}: check ingested rows, quarantine the failures with reasons, write the report. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Validate ingested rows; quarantine failures with the reason.",
            "Validate the ingested metrics (types, non-finite values, ranges learnt on the training "
                + "split, order, duplicates): valid rows go to WORK/valid/, failures with their reason to "
                + "WORK/quarantine/, the quarantine report to WORK/validation.json.",
            "Run ingest first."})
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() {
        PipelineConfig config = pipeline.load();
        Validate.Result result = Validate.run(config, PipelineOptions.workspace(config), output::progress);
        output.print(result.toJson(), String.format("Validated %,d rows: %,d valid, %,d quarantined; report %s",
                result.rowsIn(), result.rowsIn() - result.quarantined(), result.quarantined(), result.reportFile()));
        return 0;
    }
}
