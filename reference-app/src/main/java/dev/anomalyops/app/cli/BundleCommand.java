package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.Scorers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code anomalyops bundle inspect|create}: look inside a bundle, or wrap a model file into one. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Inspect or create model bundles.",
        subcommands = {BundleCommand.Inspect.class, BundleCommand.Create.class})
final class BundleCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: inspect or create");
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Verify a bundle's checksums and print its manifest.")
    static final class Inspect implements Callable<Integer> {
        @Mixin
        Output output;

        @Parameters(paramLabel = "BUNDLE", description = "A bundle directory or .zip archive.")
        Path path;

        @Override
        public Integer call() {
            ModelBundle bundle = ModelBundle.read(path);
            output.print(Documents.bundle(bundle), Documents.describe(bundle));
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Wrap a model file (XGBoost, CatBoost, ...) into a bundle directory or .zip archive.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Output output;

        @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file.")
        Path model;

        @Option(names = "--format", paramLabel = "FORMAT",
                description = "Model format id, e.g. xgboost-json (default: detected from the file).")
        String format;

        @Option(names = "--name", required = true, description = "Model name.")
        String name;

        @Option(names = "--version", defaultValue = "1", description = "Version label (default: ${DEFAULT-VALUE}).")
        String version;

        @Option(names = "--features", split = ",", paramLabel = "NAME",
                description = "Feature names in order (default: read from the model file).")
        List<String> features;

        @Option(names = "--threshold", defaultValue = "0.5", description = "Decision threshold (default: ${DEFAULT-VALUE}).")
        double threshold;

        @Option(names = "--output", required = true, paramLabel = "DIR|FILE.zip",
                description = "Where to write the bundle: a new directory, or a .zip archive.")
        Path target;

        @Override
        public Integer call() throws Exception {
            ModelFormat modelFormat = format != null ? ModelFormat.of(format) : ModelFormat.detect(model);
            FeatureSchema schema = features != null
                    ? FeatureSchema.of(features.toArray(String[]::new))
                    : Scorers.importModel(model, modelFormat).schema();
            boolean archive = target.getFileName().toString().endsWith(".zip");
            Path directory = archive ? Files.createTempDirectory("anomalyops-bundle-").resolve("bundle") : target;
            ModelBundle bundle = ModelBundle.builder(name, version)
                    .model(modelFormat, "model." + model.getFileName().toString().replaceAll("^.*\\.", ""), model)
                    .schema(schema)
                    .threshold(threshold)
                    .writeTo(directory);
            if (archive) {
                bundle.writeArchive(target);
            }
            ObjectNode document = Documents.bundle(bundle);
            document.put("path", target.toAbsolutePath().toString());
            output.print(document, "Wrote " + target + "\n" + Documents.describe(bundle));
            return 0;
        }
    }
}
