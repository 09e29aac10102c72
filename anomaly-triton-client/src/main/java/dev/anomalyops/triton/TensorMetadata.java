package dev.anomalyops.triton;

import java.util.List;
import java.util.Objects;

/**
 * A model input or output as model metadata describes it.
 *
 * @param name tensor name
 * @param datatype element type
 * @param shape dimensions, -1 for a variable one (the batch dimension of batched models)
 */
public record TensorMetadata(String name, Datatype datatype, List<Long> shape) {
    /** Copies the shape. */
    public TensorMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(datatype, "datatype");
        shape = List.copyOf(shape);
    }
}
