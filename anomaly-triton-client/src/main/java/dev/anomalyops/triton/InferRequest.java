package dev.anomalyops.triton;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One inference request: a model (and optionally a version), input tensors, the outputs wanted (all when
 * empty), an id echoed back, and request parameters. Immutable; build with {@link #builder(String)}.
 *
 * @param model model name
 * @param version model version, or an empty string for the server's choice
 * @param id request id, or an empty string for none (the client then generates one)
 * @param inputs input tensors, in order
 * @param outputs names of the outputs wanted; empty for all
 * @param parameters request parameters (strings, booleans, integers or doubles)
 */
public record InferRequest(String model, String version, String id, List<Tensor> inputs, List<String> outputs,
        Map<String, Object> parameters) {

    /** Copies the lists and checks names. */
    public InferRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(id, "id");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        for (Object value : parameters.values()) {
            if (!(value instanceof String || value instanceof Boolean || value instanceof Long
                    || value instanceof Integer || value instanceof Double)) {
                throw new IllegalArgumentException("Request parameters are strings, booleans, integers or doubles, not "
                        + (value == null ? "null" : value.getClass().getSimpleName()));
            }
        }
    }

    /**
     * @param name an input's name
     * @return that input
     * @throws InvalidRequestException when the request has no such input
     */
    public Tensor input(String name) {
        for (Tensor tensor : inputs) {
            if (tensor.name().equals(name)) {
                return tensor;
            }
        }
        throw new InvalidRequestException("The request for model \"" + model + "\" has no input \"" + name + "\"");
    }

    /**
     * @param id the new id
     * @return a copy with that request id
     */
    public InferRequest withId(String id) {
        return new InferRequest(model, version, id, inputs, outputs, parameters);
    }

    /**
     * @param model model name
     * @return a builder
     */
    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** Builds an {@link InferRequest}. */
    public static final class Builder {
        private final String model;
        private String version = "";
        private String id = "";
        private final List<Tensor> inputs = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();
        private final Map<String, Object> parameters = new LinkedHashMap<>();

        private Builder(String model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * @param version model version; empty for the server's choice
         * @return this builder
         */
        public Builder version(String version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /**
         * @param id request id, echoed in the response
         * @return this builder
         */
        public Builder id(String id) {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * @param tensor an input
         * @return this builder
         */
        public Builder input(Tensor tensor) {
            inputs.add(Objects.requireNonNull(tensor, "tensor"));
            return this;
        }

        /**
         * @param name an output to return (call once per output; none means all)
         * @return this builder
         */
        public Builder output(String name) {
            outputs.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * @param name parameter name (not one of Triton's reserved names such as {@code sequence_id})
         * @param value a string, boolean, integer or double
         * @return this builder
         */
        public Builder parameter(String name, Object value) {
            parameters.put(name, value);
            return this;
        }

        /** @return the request */
        public InferRequest build() {
            if (model.isBlank()) {
                throw new IllegalArgumentException("model must not be blank");
            }
            return new InferRequest(model, version, id, inputs, outputs, parameters);
        }
    }
}
