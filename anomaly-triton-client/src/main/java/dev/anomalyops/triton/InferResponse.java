package dev.anomalyops.triton;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to an {@link InferRequest}.
 *
 * @param model the model that answered
 * @param version the version that answered (may be empty when a server does not say)
 * @param id the request id, echoed
 * @param outputs output tensors
 * @param parameters response parameters
 */
public record InferResponse(String model, String version, String id, List<Tensor> outputs,
        Map<String, Object> parameters) {

    /** Copies the collections. */
    public InferResponse {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(id, "id");
        outputs = List.copyOf(outputs);
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * @param name an output name
     * @return that output
     * @throws InvalidRequestException when the response has no such output
     */
    public Tensor output(String name) {
        return find(name).orElseThrow(() -> new InvalidRequestException("The response of model \"" + model
                + "\" has no output \"" + name + "\"; it has " + outputs.stream().map(Tensor::name).toList()));
    }

    /**
     * @param name an output name
     * @return that output, if present
     */
    public Optional<Tensor> find(String name) {
        for (Tensor tensor : outputs) {
            if (tensor.name().equals(name)) {
                return Optional.of(tensor);
            }
        }
        return Optional.empty();
    }
}
