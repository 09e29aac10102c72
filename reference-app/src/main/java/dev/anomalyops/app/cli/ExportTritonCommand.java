package dev.anomalyops.app.cli;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.scoring.onnx.OnnxExporter;
import dev.anomalyops.triton.repository.TritonModelConfig;
import dev.anomalyops.triton.repository.TritonRepositoryExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code anomalyops export-triton}: writes a model into a Triton model repository (FIL or onnxruntime backend). */
@Command(name = "export-triton", mixinStandardHelpOptions = true,
        description = {"Write a model into a Triton model repository: models/NAME/config.pbtxt (KIND_GPU),",
            "configs/cpu.pbtxt (KIND_CPU) and models/NAME/VERSION/<model file>; the config is parsed back to check it."})
final class ExportTritonCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "Bundle (directory or .zip) or model file.")
    Path model;

    @Option(names = "--repository", required = true, paramLabel = "DIR", description = "Repository root (models/).")
    Path repository;

    @Option(names = "--backend", defaultValue = "onnxruntime",
            description = "fil (XGBoost only) or onnxruntime (any tree model, exported to ONNX); default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--name", description = "Model name in the repository (default: the bundle's name).")
    String name;

    @Option(names = "--version", defaultValue = "1", description = "Numeric version directory (default: ${DEFAULT-VALUE}).")
    long version;

    @Option(names = "--max-batch-size", defaultValue = "4096", description = "max_batch_size (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(names = "--max-queue-delay-us", defaultValue = "100",
            description = "Dynamic batching's max_queue_delay_microseconds (default: ${DEFAULT-VALUE}).")
    long maxQueueDelay;

    @Option(names = "--instances", defaultValue = "1", description = "Instances per GPU / CPU (default: ${DEFAULT-VALUE}).")
    int instances;

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = Scorers.load(model);
        TritonRepositoryExporter.Options options = new TritonRepositoryExporter.Options(
                name != null ? name : bundle.manifest().name(), version, maxBatchSize,
                Duration.ofNanos(maxQueueDelay * 1000), instances);
        Path directory = switch (backend) {
            case "fil" -> TritonRepositoryExporter.writeFil(repository, bundle, options);
            case "onnxruntime", "onnx" -> TritonRepositoryExporter.writeOnnx(repository, bundle,
                    ModelFormat.ONNX.equals(bundle.format()) ? Files.readAllBytes(bundle.modelFile())
                            : OnnxExporter.export(bundle), options);
            default -> throw new ConfigurationException("--backend was \"" + backend + "\" but it must be fil or onnxruntime");
        };
        TritonModelConfig config = TritonRepositoryExporter.read(directory.resolve("config.pbtxt"));
        var document = output.object();
        document.put("directory", directory.toString());
        document.put("backend", config.backend());
        document.put("max_batch_size", config.maxBatchSize());
        document.putPOJO("inputs", config.inputs());
        document.putPOJO("outputs", config.outputs());
        output.print(document, "Wrote " + directory + " (" + config.backend() + "; inputs " + config.inputs()
                + "; outputs " + config.outputs() + "); config.pbtxt parsed back as a valid ModelConfig");
        return 0;
    }
}
