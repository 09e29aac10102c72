package dev.anomalyops.app.cli;

import dev.anomalyops.app.pipeline.PipelineConfig;
import dev.anomalyops.app.pipeline.Workspace;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * The options every pipeline command shares: the configuration file and the most used overrides. The
 * configuration is the defaults, then the file, then {@code ANOMALYOPS_*} environment variables, then these
 * options (see {@link PipelineConfig}).
 */
public final class PipelineOptions {
    /** Where environment variables come from; tests replace it. */
    static UnaryOperator<@Nullable String> environment = System::getenv;

    @CommandLine.Option(names = "--config", paramLabel = "FILE",
            description = "Pipeline configuration (YAML); default: $ANOMALYOPS_CONFIG, else built-in defaults.")
    @Nullable Path config;

    @CommandLine.Option(names = "--data", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "Raw data (smd/, loghub/); default: ../shared/data next to the repository.")
    @Nullable String data;

    @CommandLine.Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where steps read and write (default: anomalyops-work).")
    @Nullable Path workDir;

    @CommandLine.Option(names = "--machine", paramLabel = "NAME", split = ",",
            description = "SMD machine(s) to use (default: machine-1-2); repeatable or comma-separated.")
    @Nullable List<String> machines;

    @CommandLine.Option(names = "--max-rows", paramLabel = "N",
            description = "At most N rows per machine and split (0: all), for quick runs.")
    @Nullable Integer maxRows;

    @CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any configuration key, e.g. --set detector.trees=200; repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    /**
     * @param extra command-specific overrides by key, applied after --set
     * @return the configuration
     */
    public PipelineConfig load(Map<String, String> extra) {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        if (data != null) {
            overrides.put("data.source", data);
        }
        if (workDir != null) {
            overrides.put("work-dir", workDir.toString());
        }
        if (machines != null) {
            overrides.put("data.machines", String.join(",", machines));
        }
        if (maxRows != null) {
            overrides.put("data.max-rows", Integer.toString(maxRows));
        }
        overrides.putAll(extra);
        Path file = config;
        String fromEnv = environment.apply("ANOMALYOPS_CONFIG");
        if (file == null && fromEnv != null && !fromEnv.isBlank()) {
            file = Path.of(fromEnv);
        }
        String home = environment.apply("ANOMALYOPS_HOME");
        return PipelineConfig.load(file, environment, overrides, Path.of(home == null || home.isBlank() ? "" : home)
                .toAbsolutePath());
    }

    /** @return the configuration */
    public PipelineConfig load() {
        return load(Map.of());
    }

    /**
     * The registry of a pipeline command: {@code --registry} when given, else the configuration's {@code registry}
     * (which {@code ANOMALYOPS_REGISTRY} and the YAML file set).
     *
     * @param spec the command
     * @param option its registry option
     * @param config the configuration
     * @return the registry; the caller closes it
     */
    static dev.anomalyops.core.registry.ModelRegistry registry(CommandLine.Model.CommandSpec spec,
            RegistryOption option, PipelineConfig config) {
        boolean given = spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--registry");
        return given ? option.open() : RegistryOption.open(config.registry());
    }

    /** @param config the configuration @return its work directory */
    public static Workspace workspace(PipelineConfig config) {
        return new Workspace(config.workDir());
    }
}
