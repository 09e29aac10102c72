package dev.anomalyops.triton.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.triton.Datatype;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import dev.anomalyops.triton.ServiceUnavailableException;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.TensorMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link Scorer}s over the protocol with the AnomalyOps model contract: one input {@value #INPUT}, FP32
 * {@code [-1, features]}; outputs {@value #LABEL} INT64 {@code [-1]} ({@code p >= threshold}) and {@value
 * #PROBABILITIES} FP32 {@code [-1, 2]} ({@code [1 - p, p]}) — the same names and shapes as the ONNX export, so a
 * client works unchanged against Triton serving the exported model.
 *
 * <p>Every request is checked before scoring, and each problem is answered with a sentence naming the tensor and
 * what was expected versus received (Triton's wording where Triton has one): unknown model or version (404), a
 * missing, extra or misnamed input, a datatype other than FP32, a shape other than {@code [rows, features]},
 * more rows than the limit, an unknown requested output, and NaN or infinity where the model's schema does not
 * allow it (400, naming the row and feature). Thread-safe; models can be replaced while requests run.
 *
 * <p>Dynamic batching: with {@link Batching#AUTO} (the default) the service times each model's scorer when it is
 * loaded (single rows against 32-row batches) and batches concurrent single-row requests only when a batched row
 * costs less than half a single call and a single call costs more than 20 µs: true for native engines such as
 * {@code xgboost4j}, false for the pure-Java {@code java} engine, whose single-row call costs about as much as the
 * hand-off to a batching thread would.
 */
public final class ScoringInferenceService implements InferenceService, AutoCloseable {
    /** The input's name. */
    public static final String INPUT = "input";
    /** The label output's name. */
    public static final String LABEL = "label";
    /** The probabilities output's name. */
    public static final String PROBABILITIES = "probabilities";
    private static final Logger LOG = LoggerFactory.getLogger(ScoringInferenceService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** When to batch concurrent single-row requests. */
    public enum Batching {
        /** Measure each model at load time and batch where it helps. */
        AUTO,
        /** Always batch single rows. */
        ON,
        /** Never batch. */
        OFF
    }

    private final ModelSource source;
    private final String serverName;
    private final String serverVersion;
    private final long maxRows;
    private final Batching batching;
    private final int batchRows;
    private final Duration batchDelay;
    private final int batchThreads;
    private final InferenceListener listener;
    private final Map<String, Versions> models = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retirer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "model-retirer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean ready = true;

    private record Versions(List<Served> list) {
        @Nullable Served find(String version) {
            if (version.isEmpty()) {
                return list.get(0);
            }
            for (Served s : list) {
                if (s.version.equals(version)) {
                    return s;
                }
            }
            return null;
        }
    }

    private record Served(String version, Scorer scorer, @Nullable MicroBatcher batcher, ModelMetadata metadata) {}

    private ScoringInferenceService(Builder b) {
        this.source = b.source;
        this.serverName = b.serverName;
        this.serverVersion = b.serverVersion;
        this.maxRows = b.maxRows;
        this.batching = b.batching;
        this.batchRows = b.batchRows;
        this.batchDelay = b.batchDelay;
        this.batchThreads = b.batchThreads;
        this.listener = b.listener;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Serves (or replaces) a model's versions; replaced scorers are closed a few seconds later, after requests
     * that already hold them have finished.
     *
     * @param model model name
     * @param versions versions, the default first
     */
    public void serve(String model, List<ServedModel> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("Model \"" + model + "\" needs at least one version to serve");
        }
        List<Served> list = new ArrayList<>();
        for (ServedModel version : versions) {
            Scorer scorer = version.scorer();
            boolean batch = switch (batching) {
                case ON -> true;
                case OFF -> false;
                case AUTO -> batchingHelps(scorer);
            };
            MicroBatcher batcher = batch ? new MicroBatcher(scorer, batchRows, batchDelay, batchThreads,
                    rows -> listener.batched(model, rows)) : null;
            list.add(new Served(version.version(), scorer, batcher, metadata(model, versions, scorer.model())));
            LOG.info("Serving model \"{}\" version {} with engine {} ({} features){}", model, version.version(),
                    scorer.model().engine(), scorer.model().schema().size(), batch ? ", dynamic batching on" : "");
        }
        Versions old = models.put(model, new Versions(List.copyOf(list)));
        retire(old);
    }

    /** @param model a model to stop serving */
    public void remove(String model) {
        retire(models.remove(model));
    }

    /** @param ready whether the server reports ready (false first during a graceful shutdown) */
    public void ready(boolean ready) {
        this.ready = ready;
    }

    private void retire(@Nullable Versions old) {
        if (old == null) {
            return;
        }
        retirer.schedule(() -> {
            for (Served s : old.list) {
                if (s.batcher != null) {
                    s.batcher.close();
                }
                s.scorer.close();
            }
        }, 5, TimeUnit.SECONDS);
    }

    /** Times one scorer: is a row in a 32-row batch much cheaper than a single call that is itself expensive? */
    static boolean batchingHelps(Scorer scorer) {
        FeatureSchema schema = scorer.model().schema();
        int n = 32;
        float[] values = new float[n * schema.size()];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        double[] out = new double[n];
        FeatureBatch batch = FeatureBatch.wrap(schema, values, n);
        float[] row = Arrays.copyOf(values, schema.size());
        long single = Long.MAX_VALUE;
        long batched = Long.MAX_VALUE;
        try {
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 64; i++) {
                    scorer.probability(row);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < 8; i++) {
                    scorer.score(batch, out);
                }
                long t2 = System.nanoTime();
                single = Math.min(single, (t1 - t0) / 64);
                batched = Math.min(batched, (t2 - t1) / (8L * n));
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not time model \"{}\" for batching ({}); batching stays off", scorer.model().name(),
                    e.toString());
            return false;
        }
        boolean helps = single > 20_000 && batched * 2 < single;
        LOG.info("Model \"{}\" ({}): single row {} ns, batched row {} ns: dynamic batching {}", scorer.model().name(),
                scorer.model().engine(), single, batched, helps ? "on" : "off");
        return helps;
    }

    private ModelMetadata metadata(String model, List<ServedModel> versions, ModelInfo info) {
        long features = info.schema().size();
        Map<String, String> properties = new LinkedHashMap<>();
        try {
            properties.put("feature_names", JSON.writeValueAsString(info.schema().names()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        properties.put("threshold", Double.toString(info.threshold()));
        properties.put("format", info.format().id());
        properties.put("engine", info.engine());
        properties.put("model_version_label", info.version());
        return new ModelMetadata(model, versions.stream().map(ServedModel::version).toList(),
                "anomalyops_" + info.engine(),
                List.of(new TensorMetadata(INPUT, Datatype.FP32, List.of(-1L, features))),
                List.of(new TensorMetadata(LABEL, Datatype.INT64, List.of(-1L)),
                        new TensorMetadata(PROBABILITIES, Datatype.FP32, List.of(-1L, 2L))), properties);
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public boolean ready() {
        return ready && !models.isEmpty();
    }

    @Override
    public boolean modelReady(String model, String version) {
        Versions versions = models.get(model);
        if (versions == null) {
            if (source.models().contains(model)) {
                return false;
            }
            throw unknown(model, "");
        }
        return versions.find(version) != null;
    }

    @Override
    public ServerMetadata serverMetadata() {
        return new ServerMetadata(serverName, serverVersion, List.of("binary_tensor_data", "model_repository"));
    }

    @Override
    public ModelMetadata modelMetadata(String model, String version) {
        return find(model, version).metadata;
    }

    private Served find(String model, String version) {
        Versions versions = models.get(model);
        if (versions == null) {
            throw unknown(model, "");
        }
        Served served = versions.find(version);
        if (served == null) {
            throw unknown(model, version);
        }
        return served;
    }

    private static NotFoundException unknown(String model, String version) {
        return new NotFoundException("Request for unknown model: '" + model + "'"
                + (version.isEmpty() ? "" : " version " + version) + " is not found");
    }

    @Override
    public CompletableFuture<InferResponse> infer(InferRequest request) {
        long start = System.nanoTime();
        Served served;
        float[] values;
        int rows;
        try {
            served = find(request.model(), request.version());
            rows = validate(request, served);
            values = request.inputs().get(0).floats();
            checkValues(served.scorer.model(), values, rows, request.model());
        } catch (RuntimeException e) {
            listener.inferred(request.model(), "", 0, System.nanoTime() - start, e);
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<double[]> scored;
        if (served.batcher != null && rows == 1) {
            scored = served.batcher.submit(values, 0).thenApply(p -> new double[] {p});
        } else {
            try {
                double[] out = new double[rows];
                served.scorer.score(FeatureBatch.wrap(served.scorer.model().schema(), values, rows), out);
                scored = CompletableFuture.completedFuture(out);
            } catch (RuntimeException e) {
                scored = CompletableFuture.failedFuture(e);
            }
        }
        Served answered = served;
        int n = rows;
        return scored.handle((p, error) -> {
            if (error != null) {
                listener.inferred(request.model(), answered.version, n, System.nanoTime() - start, error);
                throw error instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(error);
            }
            InferResponse response = response(request, answered, p, n);
            listener.inferred(request.model(), answered.version, n, System.nanoTime() - start, null);
            return response;
        });
    }

    private int validate(InferRequest request, Served served) {
        String model = request.model();
        int features = served.scorer.model().schema().size();
        if (request.inputs().size() != 1) {
            throw new InvalidRequestException("Model '" + model + "' expects 1 input \"" + INPUT + "\" but the request"
                    + " has " + request.inputs().size());
        }
        Tensor input = request.inputs().get(0);
        if (!input.name().equals(INPUT)) {
            throw new InvalidRequestException("unexpected inference input '" + input.name() + "' for model '" + model
                    + "'; its input is \"" + INPUT + "\"");
        }
        if (input.datatype() != Datatype.FP32) {
            throw new InvalidRequestException("inference input '" + INPUT + "' data-type is '" + input.datatype()
                    + "', but model '" + model + "' expects 'FP32'");
        }
        long[] shape = input.shape();
        if (shape.length != 2 || shape[1] != features) {
            throw new InvalidRequestException("unexpected shape for input '" + INPUT + "' for model '" + model
                    + "'. Expected [-1," + features + "], got " + Arrays.toString(shape).replace(" ", ""));
        }
        if (shape[0] > maxRows) {
            throw new InvalidRequestException("Input '" + INPUT + "' for model '" + model + "' has " + shape[0]
                    + " rows, more than the server's limit of " + maxRows);
        }
        for (String output : request.outputs()) {
            if (!output.equals(LABEL) && !output.equals(PROBABILITIES)) {
                throw new InvalidRequestException("unexpected inference output '" + output + "' for model '" + model
                        + "'; its outputs are \"" + LABEL + "\" and \"" + PROBABILITIES + "\"");
            }
        }
        return (int) shape[0];
    }

    private static void checkValues(ModelInfo info, float[] values, int rows, String model) {
        FeatureSchema schema = info.schema();
        int columns = schema.size();
        for (int r = 0; r < rows; r++) {
            try {
                schema.validateRow(values, r * columns);
            } catch (InvalidFeatureValueException e) {
                throw new InvalidFeatureValueException(e.feature(), "Row " + r + " of input '" + INPUT
                        + "' for model '" + model + "': " + e.getMessage());
            }
        }
    }

    private static InferResponse response(InferRequest request, Served served, double[] p, int rows) {
        double threshold = served.scorer.model().threshold();
        boolean all = request.outputs().isEmpty();
        Set<String> wanted = all ? Set.of(LABEL, PROBABILITIES) : new TreeSet<>(request.outputs());
        List<Tensor> outputs = new ArrayList<>(2);
        if (wanted.contains(LABEL)) {
            long[] labels = new long[rows];
            for (int r = 0; r < rows; r++) {
                labels[r] = p[r] >= threshold ? 1 : 0;
            }
            outputs.add(Tensor.int64(LABEL, new long[] {rows}, labels));
        }
        if (wanted.contains(PROBABILITIES)) {
            float[] probabilities = new float[rows * 2];
            for (int r = 0; r < rows; r++) {
                probabilities[2 * r] = (float) (1.0 - p[r]);
                probabilities[2 * r + 1] = (float) p[r];
            }
            outputs.add(Tensor.fp32(PROBABILITIES, new long[] {rows, 2}, probabilities));
        }
        return new InferResponse(request.model(), served.version, request.id(), outputs, Map.of());
    }

    @Override
    public List<RepositoryModel> repositoryIndex(boolean readyOnly) {
        List<RepositoryModel> index = new ArrayList<>();
        Set<String> names = new TreeSet<>(source.models());
        names.addAll(models.keySet());
        for (String name : names) {
            Versions versions = models.get(name);
            if (versions != null) {
                for (Served s : versions.list) {
                    index.add(new RepositoryModel(name, s.version, "READY", ""));
                }
            } else if (!readyOnly) {
                index.add(new RepositoryModel(name, "", "UNAVAILABLE", "unloaded"));
            }
        }
        return index;
    }

    @Override
    public void load(String model) {
        List<ServedModel> versions = source.load(model);
        if (versions.isEmpty()) {
            throw new ServiceUnavailableException("Model '" + model + "' has no version to load");
        }
        serve(model, versions);
    }

    @Override
    public void unload(String model) {
        if (!models.containsKey(model)) {
            throw unknown(model, "");
        }
        remove(model);
    }

    /** Stops serving: closes every scorer and batcher. */
    @Override
    public void close() {
        ready = false;
        for (Versions versions : models.values()) {
            for (Served s : versions.list) {
                if (s.batcher != null) {
                    s.batcher.close();
                }
                s.scorer.close();
            }
        }
        models.clear();
        retirer.shutdownNow();
    }

    /** Builds a {@link ScoringInferenceService}. */
    public static final class Builder {
        private ModelSource source = new ModelSource() {
            @Override
            public List<String> models() {
                return List.of();
            }

            @Override
            public List<ServedModel> load(String model) {
                throw new NotFoundException("No model source is configured, so model '" + model + "' cannot be loaded");
            }
        };
        private String serverName = "anomalyops";
        private String serverVersion = "0";
        private long maxRows = 65_536;
        private Batching batching = Batching.AUTO;
        private int batchRows = 64;
        private Duration batchDelay = Duration.ZERO;
        private int batchThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private InferenceListener listener = InferenceListener.none();

        private Builder() {}

        /**
         * @param source where repository load requests find models
         * @return this builder
         */
        public Builder source(ModelSource source) {
            this.source = source;
            return this;
        }

        /**
         * @param name server name in server metadata
         * @param version server version
         * @return this builder
         */
        public Builder server(String name, String version) {
            this.serverName = name;
            this.serverVersion = version;
            return this;
        }

        /**
         * @param maxRows most rows one request may carry (default 65,536)
         * @return this builder
         */
        public Builder maxRows(long maxRows) {
            this.maxRows = maxRows;
            return this;
        }

        /**
         * @param batching when to batch single-row requests (default AUTO)
         * @return this builder
         */
        public Builder batching(Batching batching) {
            this.batching = batching;
            return this;
        }

        /**
         * @param rows most rows per batch (default 64)
         * @param delay longest a row waits for others (default 0: only rows already waiting join)
         * @param threads batching threads per model (default: one per processor)
         * @return this builder
         */
        public Builder batch(int rows, Duration delay, int threads) {
            this.batchRows = rows;
            this.batchDelay = delay;
            this.batchThreads = threads;
            return this;
        }

        /**
         * @param listener observes every inference (metrics)
         * @return this builder
         */
        public Builder listener(InferenceListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * @return the service
         * @throws ConfigurationException listing every invalid setting
         */
        public ScoringInferenceService build() {
            List<String> problems = new ArrayList<>();
            if (maxRows < 1) {
                problems.add("maxRows was " + maxRows + " but it must be at least 1");
            }
            if (batchRows < 1) {
                problems.add("batch rows was " + batchRows + " but it must be at least 1");
            }
            if (batchDelay == null || batchDelay.isNegative()) {
                problems.add("batch delay was " + batchDelay + " but it must be zero or positive");
            }
            if (batchThreads < 1) {
                problems.add("batch threads was " + batchThreads + " but it must be at least 1");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new ScoringInferenceService(this);
        }
    }
}
