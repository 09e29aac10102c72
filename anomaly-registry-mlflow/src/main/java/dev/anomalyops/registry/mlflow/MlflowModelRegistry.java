package dev.anomalyops.registry.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.BundleLimits;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelManifest;
import dev.anomalyops.core.registry.AliasChange;
import dev.anomalyops.core.registry.AliasState;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.registry.mlflow.internal.AliasJournal;
import dev.anomalyops.registry.mlflow.internal.MlflowHttp;
import dev.anomalyops.registry.mlflow.internal.MlflowText;
import dev.anomalyops.registry.mlflow.internal.MlmodelFile;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model registry on an MLflow tracking server (REST API 2.0, MLflow 2.3 or later for aliases), for teams
 * that already run MLflow. What maps to what:
 *
 * <ul>
 *   <li>a registration is an MLflow run in one experiment (default {@code anomalyops}): the bundle's
 *       hyper-parameters and a few facts become run parameters, its metrics run metrics, and its files
 *       (manifest included, byte for byte) are uploaded through the artifact proxy to the run's
 *       {@code model/} directory beside an {@code MLmodel} file;
 *   <li>a version is an MLflow model version created from that directory, so MLflow numbers it; our
 *       metadata (bundle checksum, bundle version label, format, schema fingerprint, registration time) are
 *       model-version tags named {@code anomalyops.*}, the caller's tags are model-version tags as given;
 *   <li>an alias is an MLflow registered-model alias ({@code models:/cpu@champion} works in MLflow
 *       clients), or with {@link AliasMode#STAGES} for servers older than 2.3, the {@code staging} and
 *       {@code production} aliases are mirrored to the deprecated stages;
 *   <li>alias history (for {@link #rollback}) and the serialisation of concurrent moves live in an alias
 *       journal: write-once parameters {@code anomalyops.alias.<alias>.<seq>} of the run of the model's
 *       lowest-numbered AnomalyOps version, whose id is pinned in the registered-model tag
 *       {@code anomalyops.alias_journal_run}.
 * </ul>
 *
 * <p>Guarantees, and what they rest on: version numbers are assigned by the MLflow server (the SQL store
 * takes max + 1 inside a transaction and retries on its primary key), so concurrent registrations from any
 * number of processes get distinct numbers; a version is created only after every file is uploaded, in one
 * request that carries all its tags, so it is never visible half-made. MLflow aliases and tags are
 * last-writer-wins with no compare-and-swap, so an alias move first claims the next journal entry: run
 * parameters are write-once (a different value for an existing key is refused), so of several concurrent
 * movers exactly one wins each entry and the others retry on top of it; the winner then sets the MLflow
 * alias and re-reads the journal until the alias matches its newest entry. This needs a database-backed
 * tracking server; MLflow's file store checks parameters without a lock. See {@code docs/mlflow.md} for
 * the limitations (moves made outside AnomalyOps, deleted versions, servers without the artifact proxy).
 *
 * <pre>{@code
 * ModelRegistry registry = MlflowModelRegistry.builder(URI.create("https://mlflow.example.com"))
 *         .bearerToken(System.getenv("MLFLOW_TRACKING_TOKEN"))
 *         .experiment("anomalyops")
 *         .build();
 * ModelVersion v = registry.register("cpu", bundle, Map.of("run", "2026-11-29"));
 * registry.setAlias("cpu", Aliases.CHAMPION, v.version());
 * }</pre>
 *
 * <p>Thread-safe. Opened bundles are cached, verified, in a local directory; versions, being immutable, are
 * cached in memory.
 */
public final class MlflowModelRegistry implements ModelRegistry {
    /** Where aliases live on the MLflow server. */
    public enum AliasMode {
        /** MLflow registered-model aliases (MLflow 2.3 and later): the default. */
        ALIASES,
        /**
         * For servers without aliases: {@code staging} and {@code production} are mirrored to the stages
         * {@code Staging} and {@code Production} (moving a version there archives the one before); other
         * aliases exist only in the alias journal, which is also what {@link #resolve} reads.
         */
        STAGES
    }

    private static final Logger LOG = LoggerFactory.getLogger(MlflowModelRegistry.class);

    private static final String TAG_PREFIX = "anomalyops.";
    private static final String MLFLOW_PREFIX = "mlflow.";
    private static final String TAG_MANAGED = "anomalyops.managed";
    private static final String TAG_JOURNAL = "anomalyops.alias_journal_run";
    private static final String TAG_CHECKSUM = "anomalyops.bundle_checksum";
    private static final String TAG_BUNDLE_VERSION = "anomalyops.bundle_version";
    private static final String TAG_FORMAT = "anomalyops.format";
    private static final String TAG_SCHEMA = "anomalyops.schema_fingerprint";
    private static final String TAG_REGISTERED_AT = "anomalyops.registered_at";
    private static final String TAG_REGISTRATION = "anomalyops.registration_id";
    private static final String MODEL_DIR = "model";
    private static final String MLMODEL = "MLmodel";
    private static final int MAX_BATCH_PARAMS = 100;
    private static final int MAX_BATCH_ITEMS = 1000;
    private static final int MAX_MOVE_ATTEMPTS = 200;
    private static final int MAX_SYNC_ROUNDS = 200;
    private static final Map<String, List<String>> NO_QUERY = Map.of();

    private final MlflowHttp http;
    private final String experimentName;
    private final String user;
    private final @Nullable Path configuredCache;
    private volatile @Nullable Path cacheDirectory;
    private final Clock clock;
    private final AliasMode aliasMode;
    private final Duration registrationTimeout;
    private final Duration pollInterval;
    private final int pageSize;
    private final String description;
    private final ConcurrentMap<String, Known> versionCache = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> journalRuns = new ConcurrentHashMap<>();
    private final Set<String> ensuredModels = ConcurrentHashMap.newKeySet();
    private volatile @Nullable String experimentId;
    private volatile boolean aliasEndpointsSeen;

    /** A version as MLflow reports it, with the parsed {@link ModelVersion} when it is one of ours. */
    private record Record(String model, int number, String status, String statusMessage, String runId,
            String source, Map<String, String> tags) {
        boolean ours() {
            return tags.containsKey(TAG_CHECKSUM);
        }

        boolean ready() {
            return status.isEmpty() || status.equals("READY");
        }

        ModelVersion toModelVersion() {
            Map<String, String> userTags = new TreeMap<>();
            tags.forEach((key, value) -> {
                if (!key.startsWith(TAG_PREFIX) && !key.startsWith(MLFLOW_PREFIX)) {
                    userTags.put(key, value);
                }
            });
            Instant registeredAt;
            try {
                registeredAt = Instant.parse(tags.getOrDefault(TAG_REGISTERED_AT, ""));
            } catch (DateTimeParseException e) {
                throw new StorageException("Version " + number + " of MLflow model \"" + model + "\" has the tag \""
                        + TAG_REGISTERED_AT + "\" = \"" + tags.getOrDefault(TAG_REGISTERED_AT, "")
                        + "\" but expected an ISO-8601 instant; was it edited by hand?", e);
            }
            return new ModelVersion(model, number, tags.get(TAG_CHECKSUM), tags.getOrDefault(TAG_BUNDLE_VERSION, ""),
                    tags.getOrDefault(TAG_FORMAT, ""), tags.getOrDefault(TAG_SCHEMA, ""), registeredAt, userTags);
        }
    }

    private record Known(Record record, ModelVersion version) {}

    private record Location(URI origin, String path) {}

    private MlflowModelRegistry(Builder builder, URI base, @Nullable String authorization) {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(builder.connectTimeout)
                // Never follow redirects: the Authorization header must not travel to another address.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.http = new MlflowHttp(base, authorization, client, builder.requestTimeout, builder.maxAttempts,
                builder.retryBackoff);
        this.experimentName = builder.experiment;
        this.user = builder.user;
        this.clock = builder.clock;
        this.aliasMode = builder.aliasMode;
        this.registrationTimeout = builder.registrationTimeout;
        this.pollInterval = builder.pollInterval;
        this.pageSize = builder.pageSize;
        this.description = authorization == null ? "no credentials"
                : authorization.startsWith("Bearer ") ? "bearer token" : "basic auth";
        this.configuredCache = builder.cacheDirectory;
    }

    /** @return the cache directory, created on first use (registering, listing and aliases need none) */
    private Path cacheDirectory() {
        Path directory = cacheDirectory;
        if (directory != null) {
            return directory;
        }
        synchronized (this) {
            if (cacheDirectory == null) {
                try {
                    cacheDirectory = configuredCache != null ? Files.createDirectories(configuredCache)
                            : Files.createTempDirectory("anomalyops-mlflow-registry-");
                } catch (IOException e) {
                    throw new StorageException("Cannot create a local cache directory for the MLflow registry"
                            + (configuredCache != null ? " at " + configuredCache : "") + ": " + e.getMessage(), e);
                }
            }
            return Objects.requireNonNull(cacheDirectory);
        }
    }

    /**
     * @param trackingUri the MLflow tracking server, e.g. {@code https://mlflow.example.com} or
     *     {@code http://127.0.0.1:5000}; a path prefix (a reverse proxy's) is kept
     * @return a builder
     */
    public static Builder builder(URI trackingUri) {
        return new Builder(Objects.requireNonNull(trackingUri, "trackingUri"));
    }

    // ---------------------------------------------------------------------------------------------------
    // Registration

    @Override
    public ModelVersion register(String model, ModelBundle bundle, Map<String, String> tags) {
        ModelManifest.requireName(model);
        Objects.requireNonNull(bundle, "bundle");
        requireValidTags(tags);
        ModelManifest manifest = bundle.manifest();
        String registrationId = UUID.randomUUID().toString().replace("-", "");
        Instant registeredAt = now();
        JsonNode run;
        try {
            run = createRun(experimentId(), model, bundle, registrationId, registeredAt);
        } catch (NotFoundException e) {
            // The experiment this client remembered was deleted or purged: find or create it again, once.
            experimentId = null;
            run = createRun(experimentId(), model, bundle, registrationId, registeredAt);
        }
        String runId = run.path("info").path("run_id").asText(run.path("info").path("run_uuid").asText(""));
        String artifactUri = run.path("info").path("artifact_uri").asText("");
        if (runId.isEmpty()) {
            throw new NonRetriableException("MLflow " + http.base() + ": runs/create answered without a run id");
        }
        boolean versionCreated = false;
        try {
            Location location = locate(artifactUri + "/" + MODEL_DIR);
            logBatches(runId, params(manifest), manifest.metrics(), registeredAt);
            upload(bundle, runId, location, registeredAt);
            ensureRegisteredModel(model);
            Map<String, String> versionTags = new LinkedHashMap<>(tags);
            versionTags.put(TAG_CHECKSUM, bundle.checksum());
            versionTags.put(TAG_BUNDLE_VERSION, manifest.version());
            versionTags.put(TAG_FORMAT, bundle.format().id());
            versionTags.put(TAG_SCHEMA, bundle.schema().fingerprint());
            versionTags.put(TAG_REGISTERED_AT, registeredAt.toString());
            versionTags.put(TAG_REGISTRATION, registrationId);
            String text = "AnomalyOps bundle \"" + manifest.name() + "\" " + manifest.version() + " ("
                    + bundle.format().id() + ", bundle checksum " + bundle.checksum().substring(0, 12) + ")";
            Record created;
            try {
                created = createVersion(model, artifactUri + "/" + MODEL_DIR, runId, versionTags, registrationId, text);
            } catch (NotFoundException e) {
                // The registered model was deleted since this client created or saw it: create it again, once.
                ensuredModels.remove(model);
                ensureRegisteredModel(model);
                created = createVersion(model, artifactUri + "/" + MODEL_DIR, runId, versionTags, registrationId, text);
            }
            versionCreated = true;
            Record ready = awaitReady(created);
            ModelVersion version = ready.toModelVersion();
            versionCache.put(cacheKey(model, version.version()), new Known(ready, version));
            finishRun(runId, "FINISHED");
            LOG.info("Registered {} in MLflow {} (run {})", version.ref(), http.base(), runId);
            return version;
        } catch (RuntimeException e) {
            // A version that exists but is not READY yet may still become one: its run is complete.
            finishRun(runId, versionCreated ? "FINISHED" : "FAILED");
            throw e;
        }
    }

    private String experimentId() {
        String id = experimentId;
        if (id != null) {
            return id;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            MlflowHttp.Response found = http.send("GET", "experiments/get-by-name",
                    Map.of("experiment_name", List.of(experimentName)), null, true);
            if (found.ok()) {
                JsonNode experiment = found.json().path("experiment");
                if ("deleted".equals(experiment.path("lifecycle_stage").asText())) {
                    throw new NonRetriableException("MLflow experiment \"" + experimentName + "\" at " + http.base()
                            + " is deleted; restore it or configure another experiment name");
                }
                id = experiment.path("experiment_id").asText("");
                if (id.isEmpty()) {
                    throw new NonRetriableException("MLflow " + http.base() + ": experiments/get-by-name answered"
                            + " without an experiment id");
                }
                experimentId = id;
                return id;
            }
            if (!found.notFound()) {
                throw http.failure("GET experiments/get-by-name", found);
            }
            ObjectNode create = MlflowHttp.object().put("name", experimentName);
            MlflowHttp.Response created = http.send("POST", "experiments/create", NO_QUERY, create, false);
            if (created.ok()) {
                id = created.json().path("experiment_id").asText("");
                if (!id.isEmpty()) {
                    experimentId = id;
                    return id;
                }
            } else if (!"RESOURCE_ALREADY_EXISTS".equals(created.errorCode())) {
                throw http.failure("POST experiments/create", created);
            }
            // Another process created it first: read it again.
        }
        throw new RetriableException("MLflow " + http.base() + ": experiment \"" + experimentName
                + "\" could neither be found nor created");
    }

    private JsonNode createRun(String experiment, String model, ModelBundle bundle, String registrationId,
            Instant start) {
        ObjectNode body = MlflowHttp.object();
        body.put("experiment_id", experiment);
        body.put("run_name", model + "-" + bundle.manifest().version());
        body.put("start_time", start.toEpochMilli());
        ArrayNode runTags = body.putArray("tags");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.source.type", "JOB");
        tags.put("mlflow.source.name", "anomalyops");
        tags.put("mlflow.user", user);
        tags.put("anomalyops.model", model);
        tags.put(TAG_CHECKSUM, bundle.checksum());
        tags.put(TAG_REGISTRATION, registrationId);
        tags.forEach((key, value) -> runTags.addObject().put("key", key).put("value", value));
        return http.call("POST", "runs/create", NO_QUERY, body, false).path("run");
    }

    private static Map<String, String> params(ModelManifest manifest) {
        Map<String, String> params = new LinkedHashMap<>();
        manifest.hyperParameters().forEach((name, value) -> {
            String key = MlflowText.sanitizeKey(name);
            if (key.startsWith(TAG_PREFIX)) {
                key = MlflowText.sanitizeKey("hp." + key);
            }
            if (!key.equals(name)) {
                LOG.debug("Hyper-parameter \"{}\" is logged to MLflow as \"{}\"", name, key);
            }
            String previous = params.putIfAbsent(key, MlflowText.truncateParam(value));
            if (previous != null) {
                LOG.warn("Hyper-parameters \"{}\" and another one both become the MLflow parameter \"{}\"; only the"
                        + " first is logged to MLflow (the bundle keeps both)", name, key);
            }
        });
        params.put("anomalyops.bundle_version", manifest.version());
        params.put("anomalyops.format", manifest.format().id());
        params.put("anomalyops.threshold", Double.toString(manifest.threshold()));
        params.put("anomalyops.feature_count", Integer.toString(manifest.schema().size()));
        params.put("anomalyops.schema_fingerprint", manifest.schema().fingerprint());
        if (!manifest.trainingDataFingerprint().isEmpty()) {
            params.put("anomalyops.training_data_fingerprint", manifest.trainingDataFingerprint());
        }
        return params;
    }

    /** Logs parameters and metrics in as few {@code runs/log-batch} calls as MLflow's limits allow. */
    private void logBatches(String runId, Map<String, String> params, Map<String, Double> metrics, Instant at) {
        List<Map.Entry<String, String>> pendingParams = new ArrayList<>(params.entrySet());
        List<Map.Entry<String, Double>> pendingMetrics = new ArrayList<>();
        metrics.forEach((name, value) -> {
            if (Double.isFinite(value)) {
                pendingMetrics.add(Map.entry(MlflowText.sanitizeKey(name), value));
            } else {
                LOG.warn("Metric \"{}\" = {} is not logged to MLflow (it accepts finite values only); the bundle"
                        + " keeps it", name, value);
            }
        });
        int p = 0;
        int m = 0;
        while (p < pendingParams.size() || m < pendingMetrics.size()) {
            ObjectNode body = MlflowHttp.object().put("run_id", runId);
            ArrayNode paramArray = body.putArray("params");
            ArrayNode metricArray = body.putArray("metrics");
            int items = 0;
            for (; p < pendingParams.size() && paramArray.size() < MAX_BATCH_PARAMS; p++, items++) {
                paramArray.addObject().put("key", pendingParams.get(p).getKey())
                        .put("value", pendingParams.get(p).getValue());
            }
            for (; m < pendingMetrics.size() && items < MAX_BATCH_ITEMS; m++, items++) {
                metricArray.addObject().put("key", pendingMetrics.get(m).getKey())
                        .put("value", pendingMetrics.get(m).getValue())
                        .put("timestamp", at.toEpochMilli())
                        .put("step", 0);
            }
            // Safe to repeat after a lost answer: parameters accept their own value again, and the SQL store
            // skips a metric whose key, value, timestamp and step it already holds.
            http.call("POST", "runs/log-batch", NO_QUERY, body, true);
        }
    }

    private void upload(ModelBundle bundle, String runId, Location location, Instant at) {
        List<String> names = new ArrayList<>(bundle.manifest().files().keySet());
        names.add(ModelBundle.MANIFEST_FILE);
        for (String name : names) {
            http.upload(location.origin(), location.path() + "/" + name, bundle.directory().resolve(name));
        }
        if (names.contains(MLMODEL)) {
            LOG.info("Bundle {} has its own file \"{}\"; no MLflow MLmodel file is written", bundle, MLMODEL);
            return;
        }
        String yaml = MlmodelFile.yaml(MODEL_DIR, runId, bundle.format().id(), bundle.manifest().modelFile(),
                ModelBundle.MANIFEST_FILE, bundle.checksum(), UUID.randomUUID().toString().replace("-", ""), at);
        http.upload(location.origin(), location.path() + "/" + MLMODEL, yaml.getBytes(StandardCharsets.UTF_8));
    }

    private void ensureRegisteredModel(String model) {
        if (ensuredModels.contains(model)) {
            return;
        }
        ObjectNode body = MlflowHttp.object().put("name", model);
        body.putArray("tags").addObject().put("key", TAG_MANAGED).put("value", "true");
        body.put("description", "Registered by AnomalyOps");
        MlflowHttp.Response created = http.send("POST", "registered-models/create", NO_QUERY, body, false);
        if (!created.ok()) {
            if (!"RESOURCE_ALREADY_EXISTS".equals(created.errorCode())) {
                throw http.failure("POST registered-models/create", created);
            }
            JsonNode existing = http.call("GET", "registered-models/get", Map.of("name", List.of(model)), null, true)
                    .path("registered_model");
            if (!"true".equals(tags(existing).get(TAG_MANAGED))) {
                setRegisteredModelTag(model, TAG_MANAGED, "true");
            }
        }
        ensuredModels.add(model);
    }

    /**
     * Creates the model version. Creation is not idempotent, so it is never repeated blindly: after a failure
     * the version is looked up by the registration id only this call knows. It is sent again only when MLflow
     * itself answered with a transient error (its transaction is over, e.g. the SQL store giving up after
     * three version-number collisions under heavy concurrency) and the lookup found nothing.
     */
    private Record createVersion(String model, String source, String runId, Map<String, String> tags,
            String registrationId, String text) {
        ObjectNode body = MlflowHttp.object();
        body.put("name", model);
        body.put("source", source);
        body.put("run_id", runId);
        body.put("description", text);
        ArrayNode tagArray = body.putArray("tags");
        tags.forEach((key, value) -> tagArray.addObject().put("key", key).put("value", value));
        String lookup = "name = '" + model + "' AND " + MlflowText.tagEquals(TAG_REGISTRATION, registrationId)
                .orElseThrow();
        for (int attempt = 1; ; attempt++) {
            RuntimeException failure;
            boolean answeredByMlflow;
            try {
                MlflowHttp.Response answer = http.send("POST", "model-versions/create", NO_QUERY, body, false);
                if (answer.ok()) {
                    return parseRecord(answer.json().path("model_version"));
                }
                failure = http.failure("POST model-versions/create", answer);
                answeredByMlflow = !answer.errorCode().isEmpty();
            } catch (RetriableException e) {
                failure = e;
                answeredByMlflow = false;
            }
            if (!(failure instanceof RetriableException)) {
                throw failure;
            }
            // The answer may have been lost after the version was made: find it by the id only we know.
            List<Record> found = Objects.requireNonNull(searchRecords(lookup, false));
            if (found.size() == 1) {
                LOG.info("MLflow created version {} of \"{}\" although the request failed: {}", found.get(0).number(),
                        model, failure.getMessage());
                return found.get(0);
            }
            if (!answeredByMlflow || attempt >= http.maxAttempts()) {
                throw failure;
            }
            LOG.debug("Creating a version of \"{}\" failed transiently ({}); trying again", model, failure.getMessage());
            sleep(Math.min(100L << attempt, 2_000));
        }
    }

    private Record awaitReady(Record created) {
        long deadline = System.nanoTime() + registrationTimeout.toNanos();
        long pause = pollInterval.toMillis();
        Record current = created;
        while (true) {
            switch (current.status()) {
                case "", "READY":
                    return current;
                case "FAILED_REGISTRATION":
                    throw new StorageException("MLflow " + http.base() + " failed to register version "
                            + current.number() + " of model \"" + current.model() + "\": " + current.statusMessage());
                default:
                    break;
            }
            if (System.nanoTime() > deadline) {
                throw new RetriableException("Version " + current.number() + " of MLflow model \"" + current.model()
                        + "\" is still " + current.status() + " after " + registrationTimeout
                        + "; it becomes visible here once MLflow marks it READY");
            }
            sleep(pause);
            pause = Math.min(pause * 3 / 2 + 1, 5_000);
            current = parseRecord(http.call("GET", "model-versions/get", Map.of("name", List.of(current.model()),
                    "version", List.of(Integer.toString(current.number()))), null, true).path("model_version"));
        }
    }

    private void finishRun(String runId, String status) {
        ObjectNode body = MlflowHttp.object().put("run_id", runId).put("status", status)
                .put("end_time", clock.millis());
        try {
            http.call("POST", "runs/update", NO_QUERY, body, true);
        } catch (RuntimeException e) {
            // The run's status is bookkeeping; the registration's outcome does not depend on it.
            LOG.warn("Could not mark MLflow run {} as {}: {}", runId, status, e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Reading versions

    @Override
    public List<String> models() {
        List<String> models = new ArrayList<>();
        for (JsonNode model : searchRegisteredModels()) {
            String name = model.path("name").asText("");
            // latest_versions lists the newest version per stage: empty means the model has no version yet
            // (a registration that failed after creating the registered model).
            if (isValidName(name) && "true".equals(tags(model).get(TAG_MANAGED))
                    && (model.path("latest_versions").size() > 0 || !versions(name).isEmpty())) {
                models.add(name);
            }
        }
        models.sort(null);
        return models;
    }

    @Override
    public List<ModelVersion> versions(String model) {
        List<ModelVersion> versions = new ArrayList<>();
        if (!isValidName(model)) {
            return versions;
        }
        for (Record record : searchRecords("name = '" + model + "'", false)) {
            if (record.ours() && record.ready() && record.model().equals(model)) {
                versions.add(remember(record).version());
            }
        }
        versions.sort(Comparator.comparingInt(ModelVersion::version));
        return versions;
    }

    @Override
    public Optional<ModelVersion> find(String model, int version) {
        return known(model, version).map(Known::version);
    }

    private Optional<Known> known(String model, int version) {
        if (version < 1 || !isValidName(model)) {
            return Optional.empty();
        }
        Known cached = versionCache.get(cacheKey(model, version));
        if (cached != null) {
            return Optional.of(cached);
        }
        MlflowHttp.Response answer = http.send("GET", "model-versions/get",
                Map.of("name", List.of(model), "version", List.of(Integer.toString(version))), null, true);
        if (answer.notFound()) {
            return Optional.empty();
        }
        if (!answer.ok()) {
            throw http.failure("GET model-versions/get", answer);
        }
        Record record = parseRecord(answer.json().path("model_version"));
        if (!record.ours() || !record.ready()) {
            return Optional.empty();
        }
        return Optional.of(remember(record));
    }

    @Override
    public List<ModelVersion> search(Map<String, String> tags) {
        Objects.requireNonNull(tags, "tags");
        List<String> clauses = new ArrayList<>();
        tags.forEach((key, value) -> MlflowText.tagEquals(key, value).ifPresent(clauses::add));
        List<Record> candidates = clauses.isEmpty() ? null : searchRecords(String.join(" AND ", clauses), true);
        List<ModelVersion> matches = new ArrayList<>();
        if (candidates == null) {
            // No clause MLflow can express (or a server that refuses tag filters): list every version.
            for (String model : models()) {
                matches.addAll(versions(model));
            }
        } else {
            for (Record record : candidates) {
                if (record.ours() && record.ready() && isValidName(record.model())) {
                    matches.add(remember(record).version());
                }
            }
        }
        matches.removeIf(version -> !version.tags().entrySet().containsAll(tags.entrySet()));
        matches.sort(Comparator.comparing(ModelVersion::model).thenComparingInt(ModelVersion::version));
        return matches;
    }

    private Known remember(Record record) {
        String key = cacheKey(record.model(), record.number());
        Known cached = versionCache.get(key);
        if (cached != null) {
            return cached;
        }
        Known known = new Known(record, record.toModelVersion());
        Known raced = versionCache.putIfAbsent(key, known);
        return raced != null ? raced : known;
    }

    /**
     * @param filter an MLflow filter string
     * @param nullIfFilterRefused return null instead of failing when the server refuses the filter
     * @return every matching version, all pages
     */
    private @Nullable List<Record> searchRecords(String filter, boolean nullIfFilterRefused) {
        List<Record> records = new ArrayList<>();
        String token = null;
        do {
            Map<String, List<String>> query = new LinkedHashMap<>();
            query.put("filter", List.of(filter));
            query.put("max_results", List.of(Integer.toString(pageSize)));
            if (token != null) {
                query.put("page_token", List.of(token));
            }
            MlflowHttp.Response answer = http.send("GET", "model-versions/search", query, null, true);
            if (!answer.ok()) {
                if (nullIfFilterRefused && token == null && "INVALID_PARAMETER_VALUE".equals(answer.errorCode())) {
                    LOG.info("MLflow {} refused the filter \"{}\" ({}); filtering on this side instead", http.base(),
                            filter, answer.message());
                    return null;
                }
                throw http.failure("GET model-versions/search", answer);
            }
            for (JsonNode version : answer.json().path("model_versions")) {
                Record record = parseRecord(version);
                if (record.number() > 0) {
                    records.add(record);
                }
            }
            token = nextToken(answer.json(), token);
        } while (token != null);
        return records;
    }

    private List<JsonNode> searchRegisteredModels() {
        List<JsonNode> models = new ArrayList<>();
        String filter = MlflowText.tagEquals(TAG_MANAGED, "true").orElseThrow();
        String token = null;
        while (true) {
            Map<String, List<String>> query = new LinkedHashMap<>();
            if (filter != null) {
                query.put("filter", List.of(filter));
            }
            query.put("max_results", List.of(Integer.toString(pageSize)));
            if (token != null) {
                query.put("page_token", List.of(token));
            }
            MlflowHttp.Response answer = http.send("GET", "registered-models/search", query, null, true);
            if (!answer.ok()) {
                if (filter != null && token == null && "INVALID_PARAMETER_VALUE".equals(answer.errorCode())) {
                    // A server without tag filters on registered models: list all and check the tag here.
                    LOG.info("MLflow {} refused the filter \"{}\" ({}); filtering on this side instead", http.base(),
                            filter, answer.message());
                    filter = null;
                    continue;
                }
                throw http.failure("GET registered-models/search", answer);
            }
            answer.json().path("registered_models").forEach(models::add);
            token = nextToken(answer.json(), token);
            if (token == null) {
                return models;
            }
        }
    }

    private static @Nullable String nextToken(JsonNode page, @Nullable String previous) {
        String next = page.path("next_page_token").asText("");
        if (next.isEmpty()) {
            return null;
        }
        if (next.equals(previous)) {
            throw new NonRetriableException("MLflow answered the page token \"" + next + "\" with the same token;"
                    + " stopping rather than looping");
        }
        return next;
    }

    private Record parseRecord(JsonNode node) {
        String model = node.path("name").asText("");
        String text = node.path("version").asText("");
        int number = text.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(text) : 0;
        return new Record(model, number, node.path("status").asText(""), node.path("status_message").asText(""),
                node.path("run_id").asText(""), node.path("source").asText(""), tags(node));
    }

    private static Map<String, String> tags(JsonNode node) {
        Map<String, String> tags = new TreeMap<>();
        for (JsonNode tag : node.path("tags")) {
            tags.put(tag.path("key").asText(""), tag.path("value").asText(""));
        }
        return tags;
    }

    // ---------------------------------------------------------------------------------------------------
    // Aliases

    @Override
    public AliasChange setAlias(String model, String alias, int version) {
        requireValidAlias(alias);
        get(model, version);
        Moved moved = move(model, alias, true, current -> {
            if (current == null) {
                return new AliasState(version, List.of(), now());
            }
            return current.version() == version ? current : current.movedTo(version, now());
        });
        return change(model, alias, moved);
    }

    @Override
    public AliasChange rollback(String model, String alias) {
        requireValidAlias(alias);
        ModelManifest.requireName(model);
        Moved moved = move(model, alias, true, current -> {
            if (current == null) {
                throw new NotFoundException("Model \"" + model + "\" has no alias \"" + alias + "\" to roll back");
            }
            if (current.history().isEmpty()) {
                throw new NotFoundException("Alias \"" + alias + "\" of model \"" + model + "\" has no earlier target"
                        + " to roll back to (it has pointed at version " + current.version() + " only)");
            }
            return current.rolledBack(now());
        });
        return change(model, alias, moved);
    }

    @Override
    public void deleteAlias(String model, String alias) {
        requireValidAlias(alias);
        if (!isValidName(model)) {
            return;
        }
        move(model, alias, false, current -> null);
    }

    @Override
    public Optional<ModelVersion> resolve(String model, String alias) {
        requireValidAlias(alias);
        if (!isValidName(model)) {
            return Optional.empty();
        }
        if (aliasMode == AliasMode.STAGES) {
            AliasState state = journalHeads(model).map(heads -> heads.get(alias)).map(AliasJournal.Head::state)
                    .orElse(null);
            return state == null ? Optional.empty() : find(model, state.version());
        }
        MlflowHttp.Response answer = http.send("GET", "registered-models/alias",
                Map.of("name", List.of(model), "alias", List.of(alias)), null, true);
        if (answer.notFound()) {
            return Optional.empty();
        }
        if (!answer.ok()) {
            throw aliasFailure("GET registered-models/alias", answer);
        }
        Record record = parseRecord(answer.json().path("model_version"));
        if (!record.ours() || !record.ready()) {
            LOG.warn("Alias \"{}\" of MLflow model \"{}\" points at version {}, which was not registered by"
                    + " AnomalyOps (it has no bundle); treating the alias as unset", alias, model, record.number());
            return Optional.empty();
        }
        return Optional.of(remember(record).version());
    }

    @Override
    public Map<String, Integer> aliases(String model) {
        Map<String, Integer> aliases = new TreeMap<>();
        if (!isValidName(model)) {
            return aliases;
        }
        if (aliasMode == AliasMode.STAGES) {
            journalHeads(model).ifPresent(heads -> heads.forEach((alias, head) -> {
                AliasState state = head.state();
                if (state != null) {
                    aliases.put(alias, state.version());
                }
            }));
            return aliases;
        }
        MlflowHttp.Response answer = http.send("GET", "registered-models/get", Map.of("name", List.of(model)), null,
                true);
        if (answer.notFound()) {
            return aliases;
        }
        if (!answer.ok()) {
            throw http.failure("GET registered-models/get", answer);
        }
        for (JsonNode alias : answer.json().path("registered_model").path("aliases")) {
            String version = alias.path("version").asText("");
            if (version.matches("[1-9][0-9]{0,8}")) {
                aliases.put(alias.path("alias").asText(), Integer.parseInt(version));
            }
        }
        return aliases;
    }

    private static AliasChange change(String model, String alias, Moved moved) {
        AliasState before = moved.before();
        AliasState after = Objects.requireNonNull(moved.after(), "after");
        return new AliasChange(model, alias, before == null ? OptionalInt.empty() : OptionalInt.of(before.version()),
                after.version());
    }

    /** An alias's state before and after one move (null: unset or deleted). */
    private record Moved(@Nullable AliasState before, @Nullable AliasState after) {}

    /** What became of one claim. */
    private enum Claim { WON, LOST, UNKNOWN }

    /**
     * Applies {@code change} to the alias's journal state as one atomic step, then brings the MLflow alias (or
     * stage) in line with the journal.
     *
     * <p>All claims of one move carry one writer id, so a claim whose answer was lost is recognised when it
     * turns up later (it is this move's, not a second one), and is never applied twice.
     *
     * @param required whether a model without a journal is an error (otherwise there is nothing to change)
     * @param change maps the current state (null: unset) to the next (null: deleted); returning its argument
     *     means "no change"; it may run several times when other writers interfere
     * @return the states before and after
     */
    private Moved move(String model, String alias, boolean required, UnaryOperator<@Nullable AliasState> change) {
        Optional<String> journal = journalRun(model, true);
        if (journal.isEmpty()) {
            if (required) {
                change.apply(null);
                throw new NotFoundException("Model \"" + model + "\" has no versions registered by AnomalyOps in"
                        + " MLflow " + http.base());
            }
            // No AnomalyOps version, so no journal: only an alias set by other tools can exist; remove it too.
            try {
                mirror(model, alias, null);
            } catch (NotFoundException e) {
                // The registered model does not exist either: nothing to delete.
            }
            return new Moved(null, null);
        }
        String runId = journal.get();
        requireAliasEndpoints(model, alias);
        String writer = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        long firstSeq = 0;
        int unknown = 0;
        RuntimeException lastUnknown = null;
        for (int attempt = 0; attempt < MAX_MOVE_ATTEMPTS; attempt++) {
            JsonNode params = readParams(runId);
            if (firstSeq > 0) {
                // An earlier claim of this move whose outcome we could not see may have landed meanwhile.
                Optional<AliasJournal.Entry> landed = AliasJournal.findWriter(params, alias, writer, firstSeq);
                if (landed.isPresent()) {
                    sync(model, alias, runId, landed.get());
                    return new Moved(AliasJournal.stateBefore(params, alias, landed.get().seq()),
                            landed.get().state());
                }
            }
            AliasJournal.Head head = AliasJournal.read(params, "MLflow run " + runId)
                    .getOrDefault(alias, new AliasJournal.Head(0, null));
            AliasState current = head.state();
            AliasState next = change.apply(current);
            if (next == current) {
                // Nothing to record; still make the MLflow side agree (it may lag behind a crashed writer).
                sync(model, alias, runId, head.latest());
                return new Moved(current, current);
            }
            AliasJournal.Entry entry = new AliasJournal.Entry(head.highestSeq() + 1, next, writer);
            firstSeq = firstSeq == 0 ? entry.seq() : firstSeq;
            try {
                Claim claim = claim(runId, alias, entry);
                if (claim == Claim.WON) {
                    sync(model, alias, runId, entry);
                    return new Moved(current, next);
                }
                if (claim == Claim.LOST) {
                    LOG.debug("Alias \"{}\" of \"{}\": entry {} was taken by another writer; retrying", alias, model,
                            entry.seq());
                    continue;
                }
            } catch (RetriableException e) {
                lastUnknown = e;
            }
            // Nobody holds the entry and the server failed transiently: read again and claim again (same writer).
            if (++unknown >= http.maxAttempts()) {
                throw Objects.requireNonNull(lastUnknown);
            }
            sleep(Math.min(50L << unknown, 2_000));
        }
        throw new RetriableException("Could not move alias \"" + alias + "\" of model \"" + model + "\" after "
                + MAX_MOVE_ATTEMPTS + " attempts; too many concurrent writers");
    }

    /**
     * Logs the entry as a write-once parameter.
     *
     * @return WON when the entry's number holds this writer's claim, LOST when another writer's
     * @throws RetriableException when nobody holds the number and the server failed transiently
     */
    private Claim claim(String runId, String alias, AliasJournal.Entry entry) {
        String key = AliasJournal.key(alias, entry.seq());
        ObjectNode body = MlflowHttp.object().put("run_id", runId).put("key", key)
                .put("value", AliasJournal.encode(entry.state(), now(), entry.writer()));
        RuntimeException failure;
        try {
            MlflowHttp.Response answer = http.send("POST", "runs/log-parameter", NO_QUERY, body, false);
            if (answer.ok()) {
                return Claim.WON;
            }
            failure = http.failure("POST runs/log-parameter", answer);
        } catch (RetriableException e) {
            failure = e;
        }
        // Refused because another writer holds the key, or the answer was lost: the journal says who holds
        // this very number (not the newest entry: others may already have built on top of ours).
        Optional<Optional<AliasJournal.Entry>> holder = AliasJournal.find(readParams(runId), alias, entry.seq());
        if (holder.isEmpty()) {
            throw failure;
        }
        return holder.get().map(entry::sameClaim).orElse(false) ? Claim.WON : Claim.LOST;
    }

    /**
     * Makes the MLflow alias (or stage) show the journal's newest entry: applies {@code applied}, then reads
     * the journal again, and repeats with the newest entry until nobody moved the alias in between. A writer
     * whose write lands after a newer writer's therefore repairs it before returning, so once all movers have
     * returned the MLflow alias shows the journal's newest entry.
     */
    private void sync(String model, String alias, String runId, AliasJournal.@Nullable Entry applied) {
        AliasJournal.Entry current = applied;
        for (int round = 0; round < MAX_SYNC_ROUNDS; round++) {
            mirror(model, alias, current == null ? null : current.state());
            AliasJournal.Entry newest = readJournal(runId).getOrDefault(alias, new AliasJournal.Head(0, null)).latest();
            if (current == null ? newest == null : current.sameClaim(newest)) {
                return;
            }
            current = newest;
        }
        throw new RetriableException("Alias \"" + alias + "\" of model \"" + model + "\" kept moving while it was"
                + " being written to MLflow; the journal holds the move, the MLflow alias may lag until the next one");
    }

    /** Writes one alias state to MLflow's own alias (or stage). */
    private void mirror(String model, String alias, @Nullable AliasState state) {
        if (aliasMode == AliasMode.STAGES) {
            mirrorStage(model, alias, state);
            return;
        }
        if (state != null) {
            ObjectNode body = MlflowHttp.object().put("name", model).put("alias", alias)
                    .put("version", Integer.toString(state.version()));
            MlflowHttp.Response answer = http.send("POST", "registered-models/alias", NO_QUERY, body, true);
            if (!answer.ok()) {
                throw aliasFailure("POST registered-models/alias", answer);
            }
        } else {
            ObjectNode body = MlflowHttp.object().put("name", model).put("alias", alias);
            MlflowHttp.Response answer = http.send("DELETE", "registered-models/alias", NO_QUERY, body, true);
            if (!answer.ok() && !answer.notFound()) {
                throw aliasFailure("DELETE registered-models/alias", answer);
            }
        }
    }

    private void mirrorStage(String model, String alias, @Nullable AliasState state) {
        Optional<String> stage = MlflowText.stageFor(alias);
        if (stage.isEmpty()) {
            return;
        }
        if (state != null) {
            ObjectNode body = MlflowHttp.object().put("name", model).put("version", Integer.toString(state.version()))
                    .put("stage", stage.get()).put("archive_existing_versions", true);
            http.call("POST", "model-versions/transition-stage", NO_QUERY, body, true);
            return;
        }
        JsonNode latest = http.call("GET", "registered-models/get-latest-versions",
                Map.of("name", List.of(model), "stages", List.of(stage.get())), null, true);
        for (JsonNode version : latest.path("model_versions")) {
            ObjectNode body = MlflowHttp.object().put("name", model).put("version", version.path("version").asText())
                    .put("stage", "None").put("archive_existing_versions", false);
            http.call("POST", "model-versions/transition-stage", NO_QUERY, body, true);
        }
    }

    /** Checks once, before the first journal entry, that the server can hold the aliases the journal sets. */
    private void requireAliasEndpoints(String model, String alias) {
        if (aliasMode != AliasMode.ALIASES || aliasEndpointsSeen) {
            return;
        }
        MlflowHttp.Response probe = http.send("GET", "registered-models/alias",
                Map.of("name", List.of(model), "alias", List.of(alias)), null, true);
        if (!probe.ok() && !probe.notFound()) {
            throw aliasFailure("GET registered-models/alias", probe);
        }
        aliasEndpointsSeen = true;
    }

    private RuntimeException aliasFailure(String what, MlflowHttp.Response answer) {
        if (answer.endpointMissing()) {
            return new NonRetriableException("MLflow " + http.base() + " has no registered-model alias endpoints ("
                    + what + " answered HTTP " + answer.status() + "); aliases need MLflow 2.3 or later. For older"
                    + " servers build the registry with aliasMode(AliasMode.STAGES)");
        }
        return http.failure(what, answer);
    }

    private Map<String, AliasJournal.Head> readJournal(String runId) {
        return AliasJournal.read(readParams(runId), "MLflow run " + runId);
    }

    private JsonNode readParams(String runId) {
        return http.call("GET", "runs/get", Map.of("run_id", List.of(runId)), null, true).path("run").path("data")
                .path("params");
    }

    private Optional<Map<String, AliasJournal.Head>> journalHeads(String model) {
        return journalRun(model, false).map(this::readJournal);
    }

    /**
     * The journal is the run of the model's lowest-numbered AnomalyOps version: every client computes the
     * same run without coordination, and the first to need it pins it in a registered-model tag so that it
     * stays put even if that version is later deleted.
     *
     * @param pin whether to write the tag when it is missing
     * @return the journal run's id, empty when the model has no AnomalyOps version
     */
    private Optional<String> journalRun(String model, boolean pin) {
        String cached = journalRuns.get(model);
        if (cached != null) {
            return Optional.of(cached);
        }
        MlflowHttp.Response answer = http.send("GET", "registered-models/get", Map.of("name", List.of(model)), null,
                true);
        if (answer.notFound()) {
            return Optional.empty();
        }
        if (!answer.ok()) {
            throw http.failure("GET registered-models/get", answer);
        }
        String pinned = tags(answer.json().path("registered_model")).get(TAG_JOURNAL);
        if (pinned != null && !pinned.isEmpty()) {
            journalRuns.put(model, pinned);
            return Optional.of(pinned);
        }
        Optional<String> lowest = searchRecords("name = '" + model + "'", false).stream()
                .filter(r -> r.ours() && r.model().equals(model) && !r.runId().isEmpty())
                .min(Comparator.comparingInt(Record::number))
                .map(Record::runId);
        if (lowest.isPresent() && pin) {
            setRegisteredModelTag(model, TAG_JOURNAL, lowest.get());
            journalRuns.put(model, lowest.get());
        }
        return lowest;
    }

    private void setRegisteredModelTag(String model, String key, String value) {
        ObjectNode body = MlflowHttp.object().put("name", model).put("key", key).put("value", value);
        http.call("POST", "registered-models/set-tag", NO_QUERY, body, true);
    }

    private void requireValidAlias(String alias) {
        Aliases.requireValid(alias);
        MlflowText.aliasProblem(alias).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // Bundles

    @Override
    public ModelBundle open(ModelVersion version) {
        Objects.requireNonNull(version, "version");
        Path cache = cacheDirectory();
        Path directory = cache.resolve(version.model()).resolve(Integer.toString(version.version()));
        Optional<ModelBundle> cached = readCached(directory, version);
        if (cached.isPresent()) {
            return cached.get();
        }
        Known known = known(version.model(), version.version()).orElseThrow(() -> new NotFoundException("Model \""
                + version.model() + "\" has no version " + version.version() + " in MLflow " + http.base()));
        if (!known.version().bundleChecksum().equals(version.bundleChecksum())) {
            throw new ModelLoadException("Version " + version.ref() + " in MLflow holds bundle "
                    + known.version().bundleChecksum() + " but the version asked for has bundle "
                    + version.bundleChecksum());
        }
        Location location = locate(known.record().source());
        Path staging = cache.resolve("download-" + UUID.randomUUID());
        BundleLimits limits = BundleLimits.defaults();
        try {
            Files.createDirectories(staging);
            Path manifest = staging.resolve(ModelBundle.MANIFEST_FILE);
            http.download(location.origin(), location.path() + "/" + ModelBundle.MANIFEST_FILE, manifest,
                    limits.maxManifestBytes());
            List<String> files = listedFiles(manifest, version, limits);
            long budget = limits.maxTotalBytes();
            for (String file : files) {
                Path target = staging.resolve(file);
                http.download(location.origin(), location.path() + "/" + file, target, budget);
                budget -= Files.size(target);
            }
            ModelBundle bundle = ModelBundle.read(staging);
            if (!bundle.checksum().equals(version.bundleChecksum())) {
                throw new ModelLoadException("The bundle of " + version.ref() + " downloaded from " + known.record()
                        .source() + " has checksum " + bundle.checksum() + " but was registered with "
                        + version.bundleChecksum());
            }
            Files.createDirectories(directory.getParent());
            try {
                Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // Another thread or process cached it first (or left a damaged copy): use or replace it.
                Optional<ModelBundle> other = readCached(directory, version);
                if (other.isPresent()) {
                    return other.get();
                }
                deleteTree(directory);
                Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
            }
            return ModelBundle.read(directory);
        } catch (IOException e) {
            throw new StorageException("Cannot cache bundle " + version.ref() + " in " + cache + ": "
                    + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    private static Optional<ModelBundle> readCached(Path directory, ModelVersion version) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try {
            ModelBundle cached = ModelBundle.read(directory);
            return cached.checksum().equals(version.bundleChecksum()) ? Optional.of(cached) : Optional.empty();
        } catch (ModelLoadException e) {
            return Optional.empty();
        }
    }

    private static List<String> listedFiles(Path manifest, ModelVersion version, BundleLimits limits) {
        JsonNode files;
        try {
            files = MlflowHttp.mapper().readTree(manifest.toFile()).path("files");
        } catch (IOException e) {
            throw new ModelLoadException("The manifest of " + version.ref() + " in MLflow is not valid JSON: "
                    + e.getMessage(), e);
        }
        if (!files.isObject() || files.size() > limits.maxFiles()) {
            throw new ModelLoadException("The manifest of " + version.ref() + " in MLflow lists " + files.size()
                    + " files (or none) but a bundle holds 1 to " + limits.maxFiles());
        }
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = files.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            try {
                ModelManifest.requireFileName(name);
            } catch (IllegalArgumentException e) {
                throw new ModelLoadException("The manifest of " + version.ref() + " in MLflow lists \"" + name
                        + "\", which is not a plain bundle file name", e);
            }
            names.add(name);
        }
        return names;
    }

    /**
     * @param artifactUri a run or model-version artifact URI
     * @return the server and path that serve it through the artifact proxy
     * @throws NonRetriableException when the artifacts are stored where only the storage's own client reaches
     */
    private Location locate(String artifactUri) {
        URI uri;
        try {
            uri = new URI(artifactUri);
        } catch (URISyntaxException e) {
            throw new NonRetriableException("MLflow artifact URI \"" + artifactUri + "\" is not a valid URI", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "").replaceAll("/+$", "");
        URI base = http.base();
        switch (scheme) {
            case "mlflow-artifacts":
                if (uri.getHost() == null) {
                    return new Location(base, path);
                }
                return new Location(URI.create(base.getScheme() + "://" + uri.getHost()
                        + (uri.getPort() > 0 ? ":" + uri.getPort() : "")), path);
            case "runs": {
                int slash = path.indexOf('/');
                String runId = slash < 0 ? path : path.substring(0, slash);
                JsonNode run = http.call("GET", "runs/get", Map.of("run_id", List.of(runId)), null, true).path("run");
                String root = run.path("info").path("artifact_uri").asText("");
                return locate(slash < 0 ? root : root + "/" + path.substring(slash + 1));
            }
            case "http", "https": {
                String proxy = base.getPath() + MlflowHttp.ARTIFACTS;
                if (sameOrigin(uri, base) && uri.getPath() != null && uri.getPath().startsWith(proxy)) {
                    return new Location(base, uri.getPath().substring(proxy.length()).replaceAll("/+$", ""));
                }
                break;
            }
            default:
                break;
        }
        throw new NonRetriableException("MLflow stores these artifacts at \"" + artifactUri + "\", which this registry"
                + " cannot reach: it reads and writes bundles through the MLflow artifact proxy only (artifact URIs"
                + " \"mlflow-artifacts:/...\"). Run the tracking server with artifact serving (the default since"
                + " MLflow 2.0, e.g. --artifacts-destination s3://bucket/path) and use an experiment created with"
                + " it, or configure another experiment");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers

    private static void requireValidTags(Map<String, String> tags) {
        Objects.requireNonNull(tags, "tags");
        tags.forEach((key, value) -> {
            Objects.requireNonNull(key, "tag key");
            Objects.requireNonNull(value, "tag value");
            if (key.startsWith(TAG_PREFIX) || key.startsWith(MLFLOW_PREFIX)) {
                throw new IllegalArgumentException("Tag \"" + key + "\" starts with \"" + TAG_PREFIX + "\" or \""
                        + MLFLOW_PREFIX + "\", prefixes reserved for the registry's and MLflow's own tags");
            }
            MlflowText.keyProblem(key).ifPresent(problem -> {
                throw new IllegalArgumentException("Tag key \"" + key + "\" " + problem + " (an MLflow rule)");
            });
            if (value.length() > MlflowText.MAX_TAG_VALUE_LENGTH) {
                throw new IllegalArgumentException("Tag \"" + key + "\" has a value of " + value.length()
                        + " characters but MLflow keeps at most " + MlflowText.MAX_TAG_VALUE_LENGTH);
            }
        });
    }

    private static String cacheKey(String model, int version) {
        return model + "/" + version;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static boolean isValidName(String model) {
        try {
            ModelManifest.requireName(model);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("Interrupted while waiting for MLflow to finish a registration", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A stray temporary file in our own cache directory is harmless.
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(MlflowModelRegistry::deleteQuietly);
        } catch (IOException ignored) {
            // Best effort on our own cache.
        }
    }

    /** Names the server, experiment and kind of credentials; never the credentials themselves. */
    @Override
    public String toString() {
        return "MlflowModelRegistry[" + http.base() + ", experiment \"" + experimentName + "\", " + description
                + ", " + aliasMode.name().toLowerCase(Locale.ROOT) + "]";
    }

    /**
     * Configures an {@link MlflowModelRegistry}; {@link #build()} reports every invalid value at once. Secrets
     * given here are kept only to build the {@code Authorization} header.
     */
    public static final class Builder {
        private final URI trackingUri;
        private String experiment = "anomalyops";
        private @Nullable String bearerToken;
        private @Nullable String basicUser;
        private @Nullable String basicPassword;
        private String user = System.getProperty("user.name", "anomalyops");
        private @Nullable Path cacheDirectory;
        private Clock clock = Clock.systemUTC();
        private AliasMode aliasMode = AliasMode.ALIASES;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(5);
        private Duration registrationTimeout = Duration.ofMinutes(5);
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration retryBackoff = Duration.ofMillis(200);
        private int maxAttempts = 3;
        private int pageSize = 1000;

        private Builder(URI trackingUri) {
            this.trackingUri = trackingUri;
        }

        /**
         * @param name the experiment that holds the registration runs (created when absent; default
         *     {@code anomalyops})
         * @return this builder
         */
        public Builder experiment(String name) {
            this.experiment = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param token sent as {@code Authorization: Bearer <token>} (what {@code MLFLOW_TRACKING_TOKEN} gives
         *     MLflow's own clients)
         * @return this builder
         */
        public Builder bearerToken(String token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * @param user the user name (what {@code MLFLOW_TRACKING_USERNAME} gives MLflow's own clients)
         * @param password the password ({@code MLFLOW_TRACKING_PASSWORD})
         * @return this builder
         */
        public Builder basicAuth(String user, String password) {
            this.basicUser = Objects.requireNonNull(user, "user");
            this.basicPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * @param user recorded as the runs' {@code mlflow.user} tag (default: the {@code user.name} property)
         * @return this builder
         */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /**
         * @param directory where opened bundles are cached (default: a new temporary directory, made when the
         *     first bundle is opened)
         * @return this builder
         */
        public Builder cacheDirectory(Path directory) {
            this.cacheDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * @param clock stamps registrations, metrics and alias moves
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param mode where aliases live on the server (default {@link AliasMode#ALIASES})
         * @return this builder
         */
        public Builder aliasMode(AliasMode mode) {
            this.aliasMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param timeout how long to wait for a TCP connection (default 10 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param timeout how long one request may take, uploads included (default 5 min)
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param timeout how long to wait for a new model version to leave {@code PENDING_REGISTRATION}
         *     (default 5 min)
         * @return this builder
         */
        public Builder registrationTimeout(Duration timeout) {
            this.registrationTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param interval first pause between polls of a pending version; grows by half each time (default 1 s)
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * @param attempts attempts for idempotent requests on transient failures (default 3; 1 = no retry).
         *     Creating runs, versions and alias journal entries is never repeated blindly.
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param backoff first pause before a retry; doubles each time, with jitter (default 200 ms)
         * @return this builder
         */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * @param size {@code max_results} of each search page (default 1000, MLflow's limit for models)
         * @return this builder
         */
        public Builder pageSize(int size) {
            this.pageSize = size;
            return this;
        }

        /**
         * @return the registry (no request is sent until the first call)
         * @throws ConfigurationException listing every invalid value
         */
        public MlflowModelRegistry build() {
            List<String> problems = new ArrayList<>();
            URI base = checkTrackingUri(problems);
            if (experiment.isBlank() || experiment.length() > 500) {
                problems.add("experiment was \"" + experiment + "\" but must be 1 to 500 characters, not blank");
            }
            if (user.isBlank()) {
                problems.add("user must not be blank");
            }
            if (bearerToken != null && basicUser != null) {
                problems.add("both a bearer token and basic auth are configured; choose one");
            }
            if (bearerToken != null && !bearerToken.matches("[\\x21-\\x7e]+")) {
                problems.add("the bearer token is empty or holds characters an HTTP header cannot carry"
                        + " (whitespace or non-ASCII)");
            }
            if (basicUser != null && (basicUser.isEmpty() || basicUser.contains(":"))) {
                problems.add("the basic-auth user name must be non-empty and must not contain ':'");
            }
            String authorization = null;
            if (bearerToken != null) {
                authorization = "Bearer " + bearerToken;
            } else if (basicUser != null) {
                authorization = "Basic " + Base64.getEncoder().encodeToString((basicUser + ":" + basicPassword)
                        .getBytes(StandardCharsets.UTF_8));
            }
            positive(problems, "connectTimeout", connectTimeout);
            positive(problems, "requestTimeout", requestTimeout);
            positive(problems, "registrationTimeout", registrationTimeout);
            positive(problems, "pollInterval", pollInterval);
            if (retryBackoff.isNegative()) {
                problems.add("retryBackoff was " + retryBackoff + " but must not be negative");
            }
            if (maxAttempts < 1 || maxAttempts > 20) {
                problems.add("maxAttempts was " + maxAttempts + " but must be 1 to 20");
            }
            if (pageSize < 1 || pageSize > 1000) {
                problems.add("pageSize was " + pageSize + " but must be 1 to 1000 (MLflow's limit)");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            if (authorization != null && "http".equals(base.getScheme()) && !isLoopback(base.getHost())) {
                LOG.warn("MLflow credentials will be sent unencrypted to {}; use https", base);
            }
            return new MlflowModelRegistry(this, base, authorization);
        }

        private URI checkTrackingUri(List<String> problems) {
            String scheme = trackingUri.getScheme() == null ? "" : trackingUri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                problems.add("tracking URI was \"" + safe(trackingUri) + "\" but must start with http:// or https://");
            }
            if (trackingUri.getHost() == null) {
                problems.add("tracking URI was \"" + safe(trackingUri) + "\" but names no host");
            }
            if (trackingUri.getRawUserInfo() != null) {
                problems.add("tracking URI carries credentials before the host; pass them with bearerToken(..) or"
                        + " basicAuth(..) so that they never show in logs");
            }
            if (trackingUri.getRawQuery() != null || trackingUri.getRawFragment() != null) {
                problems.add("tracking URI was \"" + safe(trackingUri) + "\" but must have no query or fragment");
            }
            String path = trackingUri.getRawPath() == null ? "" : trackingUri.getRawPath().replaceAll("/+$", "");
            return URI.create(scheme + "://" + trackingUri.getRawAuthority() + path);
        }

        /** @return the URI with any user information blanked, for messages */
        private static String safe(URI uri) {
            return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo(), "***");
        }

        private static void positive(List<String> problems, String name, Duration value) {
            if (value.isZero() || value.isNegative()) {
                problems.add(name + " was " + value + " but must be positive");
            }
        }

        private static boolean isLoopback(String host) {
            // By name only: no DNS lookup while building.
            return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
        }
    }
}
