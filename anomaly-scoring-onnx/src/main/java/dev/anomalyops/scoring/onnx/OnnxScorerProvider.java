package dev.anomalyops.scoring.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.ScorerProvider;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code onnxruntime} engine: scores ONNX bundles with ONNX Runtime. The execution provider is chosen by
 * the {@value #PROVIDER_PROPERTY} scorer option:
 *
 * <ul>
 *   <li>{@code cpu} (the default): the CPU provider, {@link ScorerOptions#threads()} intra-op threads;
 *   <li>{@code cuda}: the CUDA provider on device {@value #DEVICE_PROPERTY} (default 0) when the ONNX Runtime
 *       on the class path is the GPU build ({@code com.microsoft.onnxruntime:onnxruntime_gpu}) and a GPU can be
 *       opened; otherwise the scorer falls back to the CPU and logs why ({@link OnnxScorer#fallbackReason()});
 *   <li>{@code cuda-required}: as {@code cuda}, but failing with {@link BackendUnavailableException} instead of
 *       falling back.
 * </ul>
 *
 * <pre>{@code
 * Scorer scorer = Scorers.open(onnxBundle, ScorerOptions.builder().property("onnx.provider", "cuda").build());
 * }</pre>
 */
public final class OnnxScorerProvider implements ScorerProvider {
    /** The engine name. */
    public static final String NAME = "onnxruntime";
    /** Scorer option naming the execution provider: {@code cpu}, {@code cuda} or {@code cuda-required}. */
    public static final String PROVIDER_PROPERTY = "onnx.provider";
    /** Scorer option naming the CUDA device number. */
    public static final String DEVICE_PROPERTY = "onnx.cuda.device";
    private static final Logger LOG = LoggerFactory.getLogger(OnnxScorerProvider.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public boolean isAvailable() {
        return Runtime.AVAILABLE;
    }

    @Override
    public boolean supports(ModelFormat format) {
        return ModelFormat.ONNX.equals(format);
    }

    @Override
    public Scorer create(ModelBundle bundle, ScorerOptions options) {
        requireRuntime();
        String provider = options.properties().getOrDefault(PROVIDER_PROPERTY, "cpu").toLowerCase(Locale.ROOT);
        if (!provider.equals("cpu") && !provider.equals("cuda") && !provider.equals("cuda-required")) {
            throw new ConfigurationException(java.util.List.of(PROVIDER_PROPERTY + " was \"" + provider
                    + "\" but it must be cpu, cuda or cuda-required"));
        }
        int device;
        try {
            device = Integer.parseInt(options.properties().getOrDefault(DEVICE_PROPERTY, "0"));
        } catch (NumberFormatException e) {
            throw new ConfigurationException(java.util.List.of(DEVICE_PROPERTY + " was \""
                    + options.properties().get(DEVICE_PROPERTY) + "\" but it must be a device number"));
        }
        String fallback = null;
        OrtSession session;
        String used = "cpu";
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        if (!provider.equals("cpu")) {
            String reason;
            if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                reason = "the ONNX Runtime on the class path has no CUDA execution provider (it is the CPU build;"
                        + " use com.microsoft.onnxruntime:onnxruntime_gpu)";
            } else {
                try {
                    OrtSession.SessionOptions gpu = sessionOptions(options);
                    gpu.addCUDA(device);
                    session = env.createSession(bundle.modelFile().toString(), gpu);
                    return new OnnxScorer(ModelInfo.of(bundle.manifest(), NAME), env, session,
                            bundle.manifest().scaler().orElse(null), "cuda", null);
                } catch (OrtException e) {
                    reason = "the CUDA execution provider could not start on device " + device + ": "
                            + firstLine(e.getMessage());
                }
            }
            if (provider.equals("cuda-required")) {
                throw new BackendUnavailableException("Model \"" + bundle.manifest().name()
                        + "\" cannot be scored on CUDA: " + reason);
            }
            fallback = reason;
            LOG.warn("Scoring model \"{}\" on the CPU instead of CUDA: {}", bundle.manifest().name(), reason);
        }
        try {
            session = env.createSession(bundle.modelFile().toString(), sessionOptions(options));
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot load model " + bundle.modelFile() + ": "
                    + firstLine(e.getMessage()), e);
        }
        return new OnnxScorer(ModelInfo.of(bundle.manifest(), NAME), env, session,
                bundle.manifest().scaler().orElse(null), used, fallback);
    }

    @Override
    public Optional<FeatureSchema> inferSchema(Path modelFile, ModelFormat format) {
        requireRuntime();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(modelFile.toString(), options)) {
            String names = session.getMetadata().getCustomMetadata().get(OnnxExporter.FEATURE_NAMES_KEY);
            if (names != null) {
                String[] parsed = new ObjectMapper().readValue(names, String[].class);
                return Optional.of(FeatureSchema.of(parsed));
            }
            long[] shape = ((ai.onnxruntime.TensorInfo) session.getInputInfo().values().iterator().next().getInfo())
                    .getShape();
            if (shape.length == 2 && shape[1] > 0) {
                return Optional.of(FeatureSchema.unnamed((int) shape[1]));
            }
            return Optional.empty();
        } catch (OrtException | java.io.IOException e) {
            throw new ModelLoadException("ONNX Runtime cannot read model " + modelFile + ": " + firstLine(e.getMessage()),
                    e);
        }
    }

    private static OrtSession.SessionOptions sessionOptions(ScorerOptions options) throws OrtException {
        OrtSession.SessionOptions session = new OrtSession.SessionOptions();
        session.setIntraOpNumThreads(options.threads());
        session.setInterOpNumThreads(1);
        session.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return session;
    }

    private static void requireRuntime() {
        if (!Runtime.AVAILABLE) {
            throw new BackendUnavailableException("ONNX Runtime's native library could not be loaded (see the log);"
                    + " it needs glibc on x86_64/aarch64 Linux, macOS or Windows");
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Loads the native library once, lazily, on first use of the engine. */
    private static final class Runtime {
        static final boolean AVAILABLE = check();

        private static boolean check() {
            try {
                OrtEnvironment.getEnvironment();
                return true;
            } catch (LinkageError | RuntimeException e) {
                LOG.warn("ONNX Runtime is unavailable: {}", e.toString());
                return false;
            }
        }
    }
}
