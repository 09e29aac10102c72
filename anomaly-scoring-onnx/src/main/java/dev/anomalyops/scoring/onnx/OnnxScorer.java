package dev.anomalyops.scoring.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Scorer} on an ONNX Runtime session (thread-safe: ONNX Runtime runs one session from many threads).
 * It feeds the graph's single float input {@code [N, features]} and reads, in this order of preference, the
 * {@value OnnxExporter#PROBABILITIES} output's column 1 (our exporter and most converters with ZipMap disabled),
 * or else the first float output (column 1 when it is {@code [N, 2]}, the value itself when {@code [N]} or
 * {@code [N, 1]}). Each call copies the rows into a native tensor; that copy is the price of the native runtime.
 */
public final class OnnxScorer implements Scorer {
    private final ModelInfo info;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final @Nullable Scaler scaler;
    private final String inputName;
    private final String outputName;
    private final String provider;
    private final @Nullable String fallbackReason;
    private volatile boolean closed;

    OnnxScorer(ModelInfo info, OrtEnvironment env, OrtSession session, @Nullable Scaler scaler, String provider,
            @Nullable String fallbackReason) {
        this.info = info;
        this.env = env;
        this.session = session;
        this.scaler = scaler;
        this.provider = provider;
        this.fallbackReason = fallbackReason;
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1) {
                throw new ModelLoadException("ONNX model \"" + info.name() + "\" has " + inputs.size()
                        + " inputs; AnomalyOps scores graphs with one float input [N, features]");
            }
            this.inputName = inputs.keySet().iterator().next();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String chosen = null;
            if (outputs.containsKey(OnnxExporter.PROBABILITIES)) {
                chosen = OnnxExporter.PROBABILITIES;
            } else {
                for (Map.Entry<String, NodeInfo> output : outputs.entrySet()) {
                    if (output.getValue().getInfo() instanceof TensorInfo t
                            && t.type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                        chosen = output.getKey();
                        break;
                    }
                }
            }
            if (chosen == null) {
                throw new ModelLoadException("ONNX model \"" + info.name() + "\" has no float output; outputs are "
                        + outputs.keySet());
            }
            this.outputName = chosen;
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot describe model \"" + info.name() + "\": " + e.getMessage(), e);
        }
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    /** @return the execution provider in use: {@code cpu} or {@code cuda} */
    public String executionProvider() {
        return provider;
    }

    /** @return why CUDA was asked for but the CPU is used, or empty when no fallback happened */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    @Override
    public void score(FeatureBatch batch, double[] out) {
        Scorer.checkArguments(this, batch, out);
        int rows = batch.rows();
        if (rows == 0) {
            return;
        }
        int columns = batch.columns();
        float[] values = batch.values();
        FloatBuffer input;
        if (scaler != null) {
            float[] copy = new float[rows * columns];
            for (int r = 0; r < rows; r++) {
                scaler.apply(values, r * columns, copy, r * columns);
            }
            input = FloatBuffer.wrap(copy);
        } else {
            input = FloatBuffer.wrap(values, 0, rows * columns);
        }
        run(input, rows, columns, out);
    }

    @Override
    public double probability(float[] row) {
        if (row.length != info.schema().size()) {
            throw new InvalidFeatureValueException("", "Row has " + row.length + " values but model \"" + info.name()
                    + "\" expects " + info.schema().size() + " features");
        }
        double[] out = new double[1];
        score(FeatureBatch.wrap(info.schema(), row, 1), out);
        return out[0];
    }

    private void run(FloatBuffer input, int rows, int columns, double[] out) {
        if (closed) {
            throw new IllegalStateException("Scorer for model \"" + info.name() + "\" is closed");
        }
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, new long[] {rows, columns});
                OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(outputName))) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor output)) {
                throw new ModelException("ONNX model \"" + info.name() + "\" output \"" + outputName + "\" is not a tensor");
            }
            long[] shape = output.getInfo().getShape();
            FloatBuffer scores = output.getFloatBuffer();
            int width = shape.length == 2 ? (int) shape[1] : 1;
            int column = width >= 2 ? 1 : 0;
            for (int r = 0; r < rows; r++) {
                out[r] = scores.get(r * width + column);
            }
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime failed to score model \"" + info.name() + "\": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                throw new ModelException("ONNX Runtime failed to close the session of model \"" + info.name() + "\"", e);
            }
        }
    }
}
