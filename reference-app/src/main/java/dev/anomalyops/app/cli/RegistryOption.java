package dev.anomalyops.app.cli;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.registry.mlflow.MlflowModelRegistry;
import dev.anomalyops.registry.s3.S3ModelRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The {@code --registry} option shared by registry commands: a local directory (the default,
 * {@code ./registry} or {@code $ANOMALYOPS_REGISTRY}), {@code s3://bucket/prefix}, or an MLflow tracking
 * server as {@code mlflow+http://host:port} / {@code mlflow+https://host[/path]}.
 *
 * <p>For S3 the AWS SDK's default credential and region chains apply; {@code AWS_ENDPOINT_URL} points it at
 * an S3-compatible store. For MLflow, credentials come from the same environment variables MLflow's own
 * clients read, never from the command line: {@code MLFLOW_TRACKING_USERNAME} and
 * {@code MLFLOW_TRACKING_PASSWORD} (basic auth; they win when both are set, as in MLflow's client), else
 * {@code MLFLOW_TRACKING_TOKEN} (bearer). The experiment is {@code MLFLOW_EXPERIMENT_NAME} or
 * {@code anomalyops}; the query parameters {@code experiment=NAME} and {@code aliases=stages} (servers older
 * than MLflow 2.3) override, e.g. {@code mlflow+https://mlflow.example.com?experiment=sre&aliases=stages}.
 */
public final class RegistryOption {
    /** The scheme prefix that selects the MLflow registry. */
    static final String MLFLOW_PREFIX = "mlflow+";

    /** Where environment variables come from; tests replace it. */
    static UnaryOperator<String> environment = System::getenv;

    @CommandLine.Option(names = "--registry", paramLabel = "DIR|s3://BUCKET/PREFIX|mlflow+https://HOST",
            defaultValue = "${env:ANOMALYOPS_REGISTRY:-registry}",
            description = "Model registry: a directory, s3://bucket/prefix, or an MLflow server as mlflow+http(s)://"
                    + "host[:port][/path] (credentials from MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/"
                    + "PASSWORD) (default: ${DEFAULT-VALUE}).")
    String location;

    /** @return the registry the option names; the caller closes it */
    public ModelRegistry open() {
        return open(location);
    }

    /**
     * @param location a directory, {@code s3://bucket/prefix} or {@code mlflow+http(s)://host}, as for the option
     * @return the registry there; the caller closes it
     */
    static ModelRegistry open(String location) {
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
        if (location.toLowerCase(Locale.ROOT).startsWith(MLFLOW_PREFIX)) {
            return openMlflow(location.substring(MLFLOW_PREFIX.length()));
        }
        return FileModelRegistry.open(Path.of(location));
    }

    private static ModelRegistry openMlflow(String address) {
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            throw new ConfigurationException("--registry " + MLFLOW_PREFIX + address + " is not a valid URI: "
                    + e.getReason(), e);
        }
        List<String> problems = new ArrayList<>();
        String experiment = env("MLFLOW_EXPERIMENT_NAME");
        MlflowModelRegistry.AliasMode mode = MlflowModelRegistry.AliasMode.ALIASES;
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                switch (key) {
                    case "experiment" -> experiment = value;
                    case "aliases" -> {
                        if (value.equals("stages")) {
                            mode = MlflowModelRegistry.AliasMode.STAGES;
                        } else if (!value.equals("aliases")) {
                            problems.add("--registry query parameter aliases was \"" + value
                                    + "\" but must be \"aliases\" or \"stages\"");
                        }
                    }
                    default -> problems.add("--registry has the query parameter \"" + key
                            + "\" but only \"experiment\" and \"aliases\" are understood");
                }
            }
        }
        String user = env("MLFLOW_TRACKING_USERNAME");
        String password = env("MLFLOW_TRACKING_PASSWORD");
        String token = env("MLFLOW_TRACKING_TOKEN");
        if ((user == null) != (password == null)) {
            problems.add("MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be set together (only "
                    + (user == null ? "the password" : "the user name") + " is set)");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        URI tracking;
        try {
            tracking = new URI(uri.getScheme(), uri.getRawAuthority() == null ? null : uri.getAuthority(),
                    uri.getPath(), null, uri.getFragment());
        } catch (URISyntaxException e) {
            throw new ConfigurationException("--registry " + MLFLOW_PREFIX + address + " is not a valid URI: "
                    + e.getReason(), e);
        }
        MlflowModelRegistry.Builder builder = MlflowModelRegistry.builder(tracking).aliasMode(mode);
        if (experiment != null && !experiment.isEmpty()) {
            builder.experiment(experiment);
        }
        if (user != null && password != null) {
            builder.basicAuth(user, password);
        } else if (token != null && !token.isEmpty()) {
            builder.bearerToken(token);
        }
        return builder.build();
    }

    private static String env(String name) {
        String value = environment.apply(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
