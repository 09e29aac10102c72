package dev.anomalyops.core.registry;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One registered, immutable version of a model.
 *
 * @param model the registered model's name
 * @param version the registry's version number, 1 for the first registration, never reused
 * @param bundleChecksum SHA-256 of the bundle's manifest, which identifies the whole bundle
 * @param bundleVersion the version label the producer wrote into the bundle
 * @param format the model format id
 * @param schemaFingerprint the feature schema's fingerprint
 * @param registeredAt when the version was registered
 * @param tags searchable key/value tags given at registration
 */
public record ModelVersion(String model, int version, String bundleChecksum, String bundleVersion, String format,
        String schemaFingerprint, Instant registeredAt, Map<String, String> tags) {

    /** Checks the fields and copies the tags into a sorted, unmodifiable map. */
    public ModelVersion {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(bundleChecksum, "bundleChecksum");
        Objects.requireNonNull(bundleVersion, "bundleVersion");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(schemaFingerprint, "schemaFingerprint");
        Objects.requireNonNull(registeredAt, "registeredAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1 but was " + version);
        }
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    }

    /** @return {@code model/version}, the form {@link ModelRef#parse} reads */
    public String ref() {
        return model + "/" + version;
    }
}
