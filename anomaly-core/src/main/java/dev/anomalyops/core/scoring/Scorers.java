package dev.anomalyops.core.scoring;

import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Opens scorers: finds the engine for a model's format among the {@link ScorerProvider}s on the class
 * path, so adding an engine's artifact is all it takes to score a new format.
 *
 * <pre>{@code
 * try (Scorer scorer = Scorers.open(Path.of("model.json"))) {          // a bare XGBoost model
 *     double p = scorer.probability(new float[] {0.3f, Float.NaN, 12f});
 * }
 * try (Scorer scorer = Scorers.open(registry.open("cpu", "champion"),   // a bundle, a chosen engine
 *         ScorerOptions.builder().engine("xgboost4j").build())) { ... }
 * }</pre>
 *
 * <p>Discovery uses the thread's context class loader first and this library's own loader second, which
 * works in plain applications, application servers and shaded jars alike. Nothing is cached globally.
 */
public final class Scorers {
    private Scorers() {}

    /**
     * @param path a bundle directory, a bundle archive ({@code .zip}) or a bare model file
     * @return a scorer from the highest-priority engine for the model's format
     */
    public static Scorer open(Path path) {
        return open(path, ScorerOptions.defaults());
    }

    /**
     * @param path a bundle directory, a bundle archive ({@code .zip}) or a bare model file
     * @param options engine choice and settings
     * @return a scorer for the model
     * @throws ModelLoadException when the path is not a readable model or bundle
     * @throws BackendUnavailableException when no engine on the class path supports the format
     */
    public static Scorer open(Path path, ScorerOptions options) {
        return open(load(path), options);
    }

    /**
     * @param bundle a verified bundle
     * @param options engine choice and settings
     * @return a scorer for the bundle's model
     * @throws BackendUnavailableException when no engine on the class path supports the format
     */
    public static Scorer open(ModelBundle bundle, ScorerOptions options) {
        return provider(bundle.format(), options).create(bundle, options);
    }

    /**
     * Reads a bundle, or turns a bare model file into a bundle in a temporary directory (schema read from
     * the model file by its engine).
     *
     * @param path a bundle directory, a bundle archive or a bare model file
     * @return a verified bundle
     */
    public static ModelBundle load(Path path) {
        if (Files.isDirectory(path) || isZip(path)) {
            return ModelBundle.read(path);
        }
        if (!Files.exists(path)) {
            throw new ModelLoadException("Model file " + path + " does not exist");
        }
        return importModel(path, ModelFormat.detect(path));
    }

    /**
     * Wraps a model trained elsewhere into a bundle in a temporary directory, reading its feature layout
     * from the file.
     *
     * @param modelFile the model file
     * @param format its format
     * @return a verified bundle named after the file
     * @throws ModelLoadException when no engine can read the file's schema
     */
    public static ModelBundle importModel(Path modelFile, ModelFormat format) {
        FeatureSchema schema = null;
        for (ScorerProvider provider : providers()) {
            if (provider.isAvailable() && provider.supports(format)) {
                Optional<FeatureSchema> inferred = provider.inferSchema(modelFile, format);
                if (inferred.isPresent()) {
                    schema = inferred.get();
                    break;
                }
            }
        }
        if (schema == null) {
            throw unavailable(format, "read the feature layout of " + modelFile);
        }
        String name = modelFile.getFileName().toString().replaceAll("\\.[^.]*$", "")
                .replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
            name = "model" + name;
        }
        try {
            Path directory = Files.createTempDirectory("anomalyops-import-").resolve("bundle");
            Instant modified = Files.getLastModifiedTime(modelFile).toInstant();
            return ModelBundle.builder(name, "imported")
                    .model(format, "model." + extension(format), modelFile)
                    .schema(schema)
                    .createdAt(modified.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                    .metadata("imported.from", modelFile.getFileName().toString())
                    .writeTo(directory);
        } catch (IOException e) {
            throw new StorageException("Cannot import " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return every provider on the class path, available or not, highest priority first
     */
    public static List<ScorerProvider> providers() {
        List<ScorerProvider> found = new ArrayList<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            found.addAll(load(context));
        }
        for (ScorerProvider provider : load(Scorers.class.getClassLoader())) {
            boolean known = found.stream().anyMatch(p -> p.getClass().equals(provider.getClass()));
            if (!known) {
                found.add(provider);
            }
        }
        found.sort(Comparator.comparingInt(ScorerProvider::priority).reversed().thenComparing(ScorerProvider::name));
        return found;
    }

    /**
     * @param format a model format
     * @param options may name the engine to use
     * @return the provider that would score the format
     * @throws BackendUnavailableException when none fits
     */
    public static ScorerProvider provider(ModelFormat format, ScorerOptions options) {
        List<ScorerProvider> candidates = providers().stream()
                .filter(p -> p.supports(format))
                .collect(Collectors.toList());
        if (options.engine().isPresent()) {
            String wanted = options.engine().get();
            for (ScorerProvider provider : candidates) {
                if (provider.name().equalsIgnoreCase(wanted)) {
                    if (!provider.isAvailable()) {
                        throw new BackendUnavailableException("Engine \"" + wanted + "\" supports " + format
                                + " but its runtime could not be loaded in this JVM (see the log for the cause)");
                    }
                    return provider;
                }
            }
            throw new BackendUnavailableException("No engine named \"" + wanted + "\" supports " + format
                    + "; engines for it on the class path: " + names(candidates));
        }
        for (ScorerProvider provider : candidates) {
            if (provider.isAvailable()) {
                return provider;
            }
        }
        throw unavailable(format, "score it");
    }

    private static BackendUnavailableException unavailable(ModelFormat format, String purpose) {
        String hint = format.engineArtifact()
                .map(a -> "; add the Maven artifact " + a + " to the class path")
                .orElse("; no AnomalyOps engine is known for it");
        return new BackendUnavailableException("No scoring engine for model format \"" + format
                + "\" is available to " + purpose + hint);
    }

    private static List<ScorerProvider> load(ClassLoader loader) {
        List<ScorerProvider> providers = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<ScorerProvider> p : ServiceLoader.load(ScorerProvider.class, loader)
                    .stream().collect(Collectors.toList())) {
                try {
                    providers.add(p.get());
                } catch (ServiceConfigurationError | LinkageError e) {
                    // A provider whose class cannot load is simply not there; the caller gets a clear
                    // BackendUnavailableException if nothing else supports the format.
                    org.slf4j.LoggerFactory.getLogger(Scorers.class)
                            .warn("Skipping scorer provider {}: {}", p.type().getName(), e.toString());
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new BackendUnavailableException("Cannot load scorer providers: " + e.getMessage(), e);
        }
        return providers;
    }

    private static String names(List<ScorerProvider> providers) {
        return providers.isEmpty() ? "none"
                : providers.stream().map(ScorerProvider::name).collect(Collectors.joining(", "));
    }

    private static boolean isZip(Path path) {
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    private static String extension(ModelFormat format) {
        String encoding = format.id().substring(format.id().indexOf('-') + 1);
        return encoding.equals("protobuf") ? "onnx" : encoding;
    }
}
