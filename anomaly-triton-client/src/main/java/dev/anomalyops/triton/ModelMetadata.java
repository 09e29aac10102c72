package dev.anomalyops.triton;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a server says about a model ({@code GET /v2/models/{name}}).
 *
 * @param name model name
 * @param versions versions available (may be empty)
 * @param platform platform or backend, e.g. {@code onnxruntime_onnx}, {@code fil}; informational
 * @param inputs its inputs
 * @param outputs its outputs
 * @param properties extra properties (OIP only; empty from Triton)
 */
public record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
        List<TensorMetadata> outputs, Map<String, String> properties) {
    /** Copies the collections. */
    public ModelMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(platform, "platform");
        versions = List.copyOf(versions);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        properties = Map.copyOf(properties);
    }

    /**
     * @param tensor an output name
     * @return its metadata, if the model has it
     */
    public Optional<TensorMetadata> output(String tensor) {
        return outputs.stream().filter(t -> t.name().equals(tensor)).findFirst();
    }
}
