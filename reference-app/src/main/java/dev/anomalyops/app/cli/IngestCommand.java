package dev.anomalyops.app.cli;

import dev.anomalyops.app.pipeline.Ingest;
import dev.anomalyops.app.pipeline.PipelineConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code anomalyops ingest}: raw data from a local folder or S3 into the work directory's Parquet lake. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Ingest raw metrics and logs (local folder or s3://) into Parquet.",
            "Copy raw metrics (SMD layout) and log samples (Loghub layout) from a local folder or "
                + "s3://bucket/prefix into Parquet under WORK/lake/. Re-running replaces the same files.",
            "S3 uses the AWS SDK's default credentials and region; AWS_ENDPOINT_URL points it at an S3-compatible store."})
final class IngestCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() {
        PipelineConfig config = pipeline.load();
        Ingest.Result result = Ingest.run(config, PipelineOptions.workspace(config), output::progress);
        output.print(result.toJson(), String.format("Ingested %,d metric rows (%,d labelled anomalies) and %,d log lines"
                + " from %s into %s", result.totalRows(), result.anomalies(),
                result.logLines().values().stream().mapToLong(Long::longValue).sum(), result.source(),
                config.workDir().resolve("lake")));
        return 0;
    }
}
