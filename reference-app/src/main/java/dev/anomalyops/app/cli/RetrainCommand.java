package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.app.pipeline.CanaryStart;
import dev.anomalyops.app.pipeline.PipelineConfig;
import dev.anomalyops.app.pipeline.Retrain;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.registry.ModelRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code anomalyops retrain}: the retraining job. */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = {"The retraining job: retrain, gate, register as staging.",
            "Retrain on the last N days of processed data: rebuild features, re-label with the current "
                + "model and the human labels, fit, run the gates, register under retrain.alias (staging).",
            "Idempotent per --run-id (a second run with the same id changes nothing); a failed run (missing data, "
                + "failed gate) leaves the registry unchanged.",
            "With --canary URL, then starts a canary of the new version on that reference server through its admin "
                + "API (POST /admin/canary, bearer token from ANOMALYOPS_ADMIN_TOKEN or --admin-token)."})
final class RetrainCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    RegistryOption registry;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Run id (default: retrain-<UTC minute>, i.e. one run per minute; schedulers pass their own).")
    String runId;

    @Option(names = "--days", description = "Days of data back from the newest sample (default: retrain.days).")
    Integer days;

    @Option(names = "--model-name", description = "Registered model name (default: the configuration's model).")
    String modelName;

    @Option(names = "--alias", description = "Alias for the new version (default: retrain.alias, staging).")
    String alias;

    @Option(names = "--source", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "Processed data laid out like the work directory (valid/split=SPLIT/MACHINE.parquet); "
                    + "default: retrain.source, else the work directory. AWS_ENDPOINT_URL for S3-compatible stores.")
    String source;

    @Option(names = "--canary", paramLabel = "URL",
            description = "Reference server (http://host:8000) on which to start a canary of the new version "
                    + "(default: retrain.canary, none).")
    String canary;

    @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:ANOMALYOPS_ADMIN_TOKEN}",
            description = "The server's admin token for --canary (default: $ANOMALYOPS_ADMIN_TOKEN).")
    String adminToken;

    @Override
    public Integer call() {
        Map<String, String> extra = new LinkedHashMap<>();
        if (days != null) {
            extra.put("retrain.days", days.toString());
        }
        if (modelName != null) {
            extra.put("model", modelName);
        }
        if (alias != null) {
            extra.put("retrain.alias", alias);
        }
        if (source != null) {
            extra.put("retrain.source", source);
        }
        if (canary != null) {
            extra.put("retrain.canary", canary);
        }
        PipelineConfig config = pipeline.load(extra);
        String server = config.retrain().canary();
        if (!server.isEmpty() && (adminToken == null || adminToken.isBlank())) {
            // Checked before the run so that a misconfigured job changes nothing.
            throw new ConfigurationException("A canary on \"" + server + "\" needs the server's admin token"
                    + " (ANOMALYOPS_ADMIN_TOKEN or --admin-token)");
        }
        Clock clock = Clock.systemUTC();
        String id = runId != null ? runId : "retrain-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'")
                .withZone(ZoneOffset.UTC).format(clock.instant());
        try (ModelRegistry models = PipelineOptions.registry(spec, registry, config)) {
            Retrain.Result result = Retrain.run(config, PipelineOptions.workspace(config), models, id, clock,
                    output::progress);
            ObjectNode json = result.toJson();
            String text = result.alreadyDone()
                    ? "Run " + id + " had already registered " + result.version().ref() + "; nothing changed"
                    : "Run " + id + " registered " + result.version().ref() + " as " + config.retrain().alias()
                            + " (" + result.rows() + " rows, " + result.humanLabels() + " human labels; gates: "
                            + String.join(", ", result.gates().values()) + ")";
            if (!server.isEmpty()) {
                output.progress("  starting a canary of " + result.version().ref() + " on " + server);
                CanaryStart.Outcome outcome = CanaryStart.start(URI.create(server), adminToken,
                        result.version().model(), result.version().version());
                json.set("canary", outcome.toJson());
                text += System.lineSeparator() + (outcome.started() ? "Canary of " : "Canary already there for ")
                        + result.version().ref() + " on " + server + ": " + outcome.status().path("phase").asText()
                        + " at " + outcome.status().path("canary_percent").asInt() + "% (baseline version "
                        + outcome.status().path("baseline_version").asInt() + ")";
            }
            output.print(json, text);
        }
        return 0;
    }
}
