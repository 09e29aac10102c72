package dev.anomalyops.triton.repository;

import java.util.List;

/**
 * What a {@code config.pbtxt} declares, read back with protobuf's strict text format parser against Triton's
 * {@code ModelConfig} message.
 *
 * @param name the {@code name} field (may be empty)
 * @param backend {@code backend}, or {@code platform} when only that is set
 * @param maxBatchSize {@code max_batch_size}
 * @param inputs inputs as {@code name:TYPE:dims}, e.g. {@code input:TYPE_FP32:[38]}
 * @param outputs outputs in the same form
 * @param instanceKinds the {@code instance_group} kinds, e.g. {@code KIND_GPU}
 * @param dynamicBatching whether {@code dynamic_batching} is set
 * @param parameters backend parameters ({@code parameters} map, string values)
 */
public record TritonModelConfig(String name, String backend, int maxBatchSize, List<String> inputs,
        List<String> outputs, List<String> instanceKinds, boolean dynamicBatching,
        java.util.Map<String, String> parameters) {
    /** Copies the collections. */
    public TritonModelConfig {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        instanceKinds = List.copyOf(instanceKinds);
        parameters = java.util.Map.copyOf(parameters);
    }
}
