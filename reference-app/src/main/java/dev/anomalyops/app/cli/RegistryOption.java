package dev.anomalyops.app.cli;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.registry.s3.S3ModelRegistry;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The {@code --registry} option shared by registry commands: a local directory (the default,
 * {@code ./registry} or {@code $ANOMALYOPS_REGISTRY}) or {@code s3://bucket/prefix}. For S3 the AWS SDK's
 * default credential and region chains apply; {@code AWS_ENDPOINT_URL} points it at an S3-compatible store.
 */
public final class RegistryOption {
    @CommandLine.Option(names = "--registry", paramLabel = "DIR|s3://BUCKET/PREFIX",
            defaultValue = "${env:ANOMALYOPS_REGISTRY:-registry}",
            description = "Model registry: a directory or s3://bucket/prefix (default: ${DEFAULT-VALUE}).")
    String location;

    /** @return the registry the option names; the caller closes it */
    public ModelRegistry open() {
        if (location.startsWith("s3://")) {
            URI uri = URI.create(location);
            String bucket = uri.getHost();
            if (bucket == null) {
                throw new ConfigurationException("--registry " + location + " names no bucket; use s3://bucket/prefix");
            }
            String prefix = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            S3ClientBuilder builder = S3Client.builder();
            String endpoint = System.getenv("AWS_ENDPOINT_URL");
            if (endpoint != null && !endpoint.isBlank()) {
                builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
            }
            return S3ModelRegistry.builder(builder.build(), bucket).prefix(prefix).closeClient(true).build();
        }
        return FileModelRegistry.open(Path.of(location));
    }
}
