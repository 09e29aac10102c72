package dev.anomalyops.triton.client;

import dev.anomalyops.triton.Datatype;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.TensorMetadata;

import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import java.util.Arrays;

/**
 * A {@link Scorer} whose model runs on an Open Inference Protocol server (Triton, KServe, the reference server).
 * Each {@code score} call is one inference request of {@code [rows, features]} FP32; the probability is column 1 of
 * the {@code probabilities} output (the AnomalyOps contract and Triton's ONNX export), or of Triton FIL's
 * {@code output__0} when the model is served by FIL ({@code predict_proba}, dims {@code [2]}, or dims {@code [1]}
 * holding p). The input name follows the model: {@code input}, or FIL's {@code input__0}. Thread-safe as the client
 * is; {@link #close()} closes the client when the scorer owns it.
 *
 * <pre>{@code
 * Scorer scorer = Scorers.open(bundle, ScorerOptions.builder().engine("remote")
 *         .property("remote.url", "grpc://triton:8001").property("remote.model", "cpu-anomaly").build());
 * }</pre>
 */
public final class RemoteScorer implements Scorer {
    private final ModelInfo info;
    private final TritonClient client;
    private final String model;
    private final String version;
    private final String input;
    private final String output;
    private final boolean ownsClient;

    /**
     * @param info what the scorer serves (schema, threshold) — usually from the local bundle
     * @param client the client
     * @param model the model name on the server
     * @param version the version on the server, or empty for its choice
     * @param input the input's name ({@code input}, or FIL's {@code input__0})
     * @param output the output to read ({@code probabilities}, or FIL's {@code output__0})
     * @param ownsClient whether {@link #close()} closes the client
     */
    public RemoteScorer(ModelInfo info, TritonClient client, String model, String version, String input,
            String output, boolean ownsClient) {
        this.info = info;
        this.client = client;
        this.model = model;
        this.version = version;
        this.input = input;
        this.output = output;
        this.ownsClient = ownsClient;
    }

    /**
     * Asks the server which input and output names the model uses.
     *
     * @param info what the scorer serves
     * @param client the client
     * @param model the model name on the server
     * @param version version, or empty
     * @param ownsClient whether {@link #close()} closes the client
     * @return the scorer
     */
    public static RemoteScorer connect(ModelInfo info, TritonClient client, String model, String version,
            boolean ownsClient) {
        ModelMetadata metadata = client.modelMetadata(model, version);
        String in = metadata.inputs().isEmpty() ? "input" : metadata.inputs().get(0).name();
        String out = metadata.output("probabilities").isPresent() ? "probabilities"
                : metadata.outputs().stream().filter(t -> t.datatype() == Datatype.FP32).map(TensorMetadata::name)
                        .findFirst().orElseThrow(() -> new NonRetriableException("Model \"" + model
                                + "\" on the server has no FP32 output to read a probability from; outputs: "
                                + metadata.outputs()));
        return new RemoteScorer(info, client, model, version, in, out, ownsClient);
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    @Override
    public void score(FeatureBatch batch, double[] out) {
        Scorer.checkArguments(this, batch, out);
        int rows = batch.rows();
        if (rows == 0) {
            return;
        }
        int columns = batch.columns();
        float[] values = batch.values().length == rows * columns ? batch.values()
                : Arrays.copyOf(batch.values(), rows * columns);
        InferResponse response = client.infer(InferRequest.builder(model).version(version)
                .input(Tensor.fp32(input, new long[] {rows, columns}, values)).output(output).build());
        Tensor result = response.output(output);
        double[] p = result.asDoubles();
        int width = result.rank() == 2 ? (int) result.dimension(1) : 1;
        int column = width >= 2 ? 1 : 0;
        if (p.length != (long) rows * width) {
            throw new NonRetriableException("Model \"" + model + "\" returned " + p.length + " values in \"" + output
                    + "\" for " + rows + " rows");
        }
        for (int r = 0; r < rows; r++) {
            out[r] = p[r * width + column];
        }
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
