package dev.anomalyops.triton;

import java.util.List;
import java.util.Objects;

/**
 * What a server says about itself ({@code GET /v2}).
 *
 * @param name server name, e.g. {@code triton}
 * @param version server version
 * @param extensions protocol extensions it supports, e.g. {@code binary_tensor_data}, {@code model_repository}
 */
public record ServerMetadata(String name, String version, List<String> extensions) {
    /** Copies the list. */
    public ServerMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        extensions = List.copyOf(extensions);
    }
}
