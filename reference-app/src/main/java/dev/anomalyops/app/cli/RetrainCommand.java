package dev.anomalyops.app.cli;

import dev.anomalyops.app.pipeline.PipelineConfig;
import dev.anomalyops.app.pipeline.Retrain;
import dev.anomalyops.core.registry.ModelRegistry;
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
                + "failed gate) leaves the registry unchanged."})
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
        PipelineConfig config = pipeline.load(extra);
        Clock clock = Clock.systemUTC();
        String id = runId != null ? runId : "retrain-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'")
                .withZone(ZoneOffset.UTC).format(clock.instant());
        try (ModelRegistry models = PipelineOptions.registry(spec, registry, config)) {
            Retrain.Result result = Retrain.run(config, PipelineOptions.workspace(config), models, id, clock,
                    output::progress);
            output.print(result.toJson(), result.alreadyDone()
                    ? "Run " + id + " had already registered " + result.version().ref() + "; nothing changed"
                    : "Run " + id + " registered " + result.version().ref() + " as " + config.retrain().alias()
                            + " (" + result.rows() + " rows, " + result.humanLabels() + " human labels; gates: "
                            + String.join(", ", result.gates().values()) + ")");
        }
        return 0;
    }
}
