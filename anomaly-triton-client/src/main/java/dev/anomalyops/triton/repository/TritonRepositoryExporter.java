package dev.anomalyops.triton.repository;

import com.google.protobuf.TextFormat;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.triton.internal.grpc.ModelConfigProto.DataType;
import dev.anomalyops.triton.internal.grpc.ModelConfigProto.ModelConfig;
import dev.anomalyops.triton.internal.grpc.ModelConfigProto.ModelDynamicBatching;
import dev.anomalyops.triton.internal.grpc.ModelConfigProto.ModelInput;
import dev.anomalyops.triton.internal.grpc.ModelConfigProto.ModelInstanceGroup;
import dev.anomalyops.triton.internal.grpc.ModelConfigProto.ModelOutput;
import dev.anomalyops.triton.internal.grpc.ModelConfigProto.ModelParameter;
import dev.anomalyops.triton.internal.grpc.ModelConfigProto.ModelTensorReshape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a model into a Triton model repository:
 *
 * <pre>
 * models/&lt;name&gt;/config.pbtxt          instance_group KIND_GPU (the default config)
 * models/&lt;name&gt;/configs/cpu.pbtxt     the same with KIND_CPU: tritonserver --model-config-name=cpu
 * models/&lt;name&gt;/&lt;version&gt;/model.onnx   or xgboost.json / xgboost.ubj for FIL
 * </pre>
 *
 * <p><b>onnxruntime backend</b> (any model, via the ONNX export): input {@code input} FP32 {@code [-1, features]},
 * outputs {@code label} INT64 (dims {@code [1]} reshaped to the graph's {@code [N]}) and {@code probabilities} FP32
 * {@code [-1, 2]}: the contract of the reference server. <b>FIL backend</b> (XGBoost JSON/UBJ only): FIL fixes the
 * names, so the input is {@code input__0} FP32 {@code [-1, features]} and the output {@code output__0} FP32
 * {@code [-1, 2]} ({@code predict_proba} gives {@code [1 - p, p]}); FIL cannot emit an INT64 label, and it applies no
 * scaler, so bundles with a scaler must use the ONNX backend. Both configs enable dynamic batching.
 * {@link #read(Path)} parses a written {@code config.pbtxt} back with protobuf's strict text format parser against
 * Triton's {@code ModelConfig} message (written from its published field numbers).
 */
public final class TritonRepositoryExporter {
    private TritonRepositoryExporter() {}

    /**
     * Export settings.
     *
     * @param name model name in the repository (directory name)
     * @param version numeric version directory, at least 1
     * @param maxBatchSize Triton's {@code max_batch_size}
     * @param maxQueueDelay dynamic batching's {@code max_queue_delay_microseconds}
     * @param instances instances per GPU (or CPU instances in the CPU config)
     */
    public record Options(String name, long version, int maxBatchSize, Duration maxQueueDelay, int instances) {
        /** Checks the values. */
        public Options {
            List<String> problems = new ArrayList<>();
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                problems.add("name was \"" + name + "\" but it must be a plain directory name");
            }
            if (version < 1) {
                problems.add("version was " + version + " but Triton needs a number >= 1 (no leading zero)");
            }
            if (maxBatchSize < 1) {
                problems.add("maxBatchSize was " + maxBatchSize + " but it must be at least 1");
            }
            if (maxQueueDelay.isNegative()) {
                problems.add("maxQueueDelay was " + maxQueueDelay + " but it must not be negative");
            }
            if (instances < 1) {
                problems.add("instances was " + instances + " but it must be at least 1");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
        }

        /**
         * @param name model name
         * @return defaults: version 1, max batch 4096, 100 µs queue delay, 1 instance
         */
        public static Options of(String name) {
            return new Options(name, 1, 4096, Duration.ofNanos(100_000), 1);
        }
    }

    /**
     * @param repository the repository root ({@code models/})
     * @param bundle an XGBoost (JSON or UBJ) bundle without a scaler
     * @param options names and batching
     * @return the model's directory
     * @throws ModelException when FIL cannot serve the bundle (CatBoost, ONNX, a scaler)
     */
    public static Path writeFil(Path repository, ModelBundle bundle, Options options) {
        ModelFormat format = bundle.format();
        String modelType;
        String file;
        if (ModelFormat.XGBOOST_JSON.equals(format)) {
            modelType = "xgboost_json";
            file = "xgboost.json";
        } else if (ModelFormat.XGBOOST_UBJ.equals(format)) {
            modelType = "xgboost_ubj";
            file = "xgboost.ubj";
        } else {
            throw new ModelException("Triton's FIL backend serves XGBoost models, not \"" + format
                    + "\"; export model \"" + bundle.manifest().name() + "\" for the onnxruntime backend instead");
        }
        if (bundle.manifest().scaler().isPresent()) {
            throw new ModelException("Model \"" + bundle.manifest().name() + "\" scales its input, which FIL cannot do;"
                    + " export it for the onnxruntime backend (the scaler is folded into the ONNX graph)");
        }
        int features = bundle.schema().size();
        Map<String, String> parameters = new TreeMap<>();
        parameters.put("model_type", modelType);
        parameters.put("is_classifier", "true");
        parameters.put("output_class", "true");
        parameters.put("predict_proba", "true");
        parameters.put("threshold", Double.toString(bundle.manifest().threshold()));
        ModelConfig.Builder config = base(options).setBackend("fil")
                .addInput(ModelInput.newBuilder().setName("input__0").setDataType(DataType.TYPE_FP32).addDims(features))
                .addOutput(ModelOutput.newBuilder().setName("output__0").setDataType(DataType.TYPE_FP32).addDims(2));
        parameters.forEach((k, v) -> config.putParameters(k, ModelParameter.newBuilder().setStringValue(v).build()));
        return write(repository, options, config, file, bundle.modelFile(), null,
                "FIL backend, XGBoost " + modelType + "; input__0 FP32 [-1," + features
                        + "], output__0 FP32 [-1,2] = [1-p, p]");
    }

    /**
     * @param repository the repository root
     * @param bundle the bundle the ONNX model was exported from (for the schema)
     * @param onnxModel the ONNX model's bytes (from the ONNX exporter, or the bundle's own ONNX file)
     * @param options names and batching
     * @return the model's directory
     */
    public static Path writeOnnx(Path repository, ModelBundle bundle, byte[] onnxModel, Options options) {
        int features = bundle.schema().size();
        ModelConfig.Builder config = base(options).setBackend("onnxruntime")
                .addInput(ModelInput.newBuilder().setName("input").setDataType(DataType.TYPE_FP32).addDims(features))
                .addOutput(ModelOutput.newBuilder().setName("label").setDataType(DataType.TYPE_INT64).addDims(1)
                        .setReshape(ModelTensorReshape.newBuilder()))
                .addOutput(ModelOutput.newBuilder().setName("probabilities").setDataType(DataType.TYPE_FP32).addDims(2));
        return write(repository, options, config, "model.onnx", null, onnxModel,
                "onnxruntime backend; input FP32 [-1," + features + "], label INT64 [-1], probabilities FP32 [-1,2]");
    }

    private static ModelConfig.Builder base(Options options) {
        return ModelConfig.newBuilder().setName(options.name()).setMaxBatchSize(options.maxBatchSize())
                .setDynamicBatching(ModelDynamicBatching.newBuilder()
                        .setMaxQueueDelayMicroseconds(options.maxQueueDelay().toNanos() / 1000));
    }

    private static Path write(Path repository, Options options, ModelConfig.Builder config, String fileName,
            Path source, byte[] content, String summary) {
        Path model = repository.resolve(options.name());
        Path versionDir = model.resolve(Long.toString(options.version()));
        try {
            Files.createDirectories(versionDir);
            Files.createDirectories(model.resolve("configs"));
            if (source != null) {
                Files.copy(source, versionDir.resolve(fileName), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.write(versionDir.resolve(fileName), content);
            }
            ModelConfig gpu = config.clearInstanceGroup().addInstanceGroup(ModelInstanceGroup.newBuilder()
                    .setKind(ModelInstanceGroup.Kind.KIND_GPU).setCount(options.instances())).build();
            ModelConfig cpu = config.clearInstanceGroup().addInstanceGroup(ModelInstanceGroup.newBuilder()
                    .setKind(ModelInstanceGroup.Kind.KIND_CPU).setCount(options.instances())).build();
            String header = "# Written by AnomalyOps: " + summary + ".\n";
            Files.writeString(model.resolve("config.pbtxt"), header
                    + "# GPU instances; on a CPU-only server start tritonserver with --model-config-name=cpu.\n"
                    + TextFormat.printer().printToString(gpu));
            Files.writeString(model.resolve("configs").resolve("cpu.pbtxt"), header
                    + "# CPU instances (tritonserver --model-config-name=cpu).\n"
                    + TextFormat.printer().printToString(cpu));
        } catch (IOException e) {
            throw new StorageException("Cannot write Triton model " + model + ": " + e.getMessage(), e);
        }
        read(model.resolve("config.pbtxt"));
        read(model.resolve("configs").resolve("cpu.pbtxt"));
        return model;
    }

    /**
     * Parses a {@code config.pbtxt} with protobuf's strict text format parser (unknown fields fail).
     *
     * @param configFile the file
     * @return what it declares
     * @throws ModelException when it is not a valid {@code ModelConfig}
     */
    public static TritonModelConfig read(Path configFile) {
        ModelConfig.Builder builder = ModelConfig.newBuilder();
        try {
            TextFormat.getParser().merge(Files.readString(configFile), builder);
        } catch (TextFormat.ParseException e) {
            throw new ModelException("Triton config " + configFile + " is not a valid ModelConfig: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageException("Cannot read " + configFile + ": " + e.getMessage(), e);
        }
        ModelConfig config = builder.build();
        List<String> inputs = config.getInputList().stream().map(i -> i.getName() + ":" + i.getDataType() + ":"
                + i.getDimsList()).toList();
        List<String> outputs = config.getOutputList().stream().map(o -> o.getName() + ":" + o.getDataType() + ":"
                + o.getDimsList()).toList();
        Map<String, String> parameters = new TreeMap<>();
        config.getParametersMap().forEach((k, v) -> parameters.put(k, v.getStringValue()));
        return new TritonModelConfig(config.getName(), config.getBackend().isEmpty() ? config.getPlatform()
                : config.getBackend(), config.getMaxBatchSize(), inputs, outputs,
                config.getInstanceGroupList().stream().map(g -> g.getKind().name()).toList(),
                config.hasDynamicBatching(), parameters);
    }
}
