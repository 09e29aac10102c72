package dev.anomalyops.registry.mlflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process stand-in for an MLflow tracking server with the model registry and the artifact proxy,
 * served over real HTTP/1.1 on loopback by the JDK's {@code com.sun.net.httpserver}. <b>It is not MLflow</b>:
 * MLflow needs Python packages that cannot be installed on our machines, so this server implements exactly
 * the endpoints {@code MlflowModelRegistry} calls, with the request and response shapes of
 * {@code ../shared/reference/mlflow-registry-api.md} (itself read from MLflow's protos, handlers and stores):
 *
 * <ul>
 *   <li>{@code /api/2.0/mlflow/<endpoint>}: GET fields in the query string (repeated keys for repeated
 *       fields), POST/PATCH/DELETE fields in a JSON body; snake_case names; enums as strings; {@code version}
 *       a string everywhere; int64 fields (timestamps) rendered as JSON strings by default, as protobuf's
 *       canonical JSON does (MLflow's own server renders numbers: {@link Builder#int64AsStrings(boolean)}),
 *       and accepted in either form; empty repeated fields omitted, empty answers {@code {}};
 *   <li>errors as {@code {"error_code": ..., "message": ...}} with MLflow's status for the code
 *       ({@code RESOURCE_ALREADY_EXISTS} is 400, {@code RESOURCE_DOES_NOT_EXIST} 404, ...); unknown endpoints
 *       answer Flask's HTML 404 page, wrong methods its HTML 405;
 *   <li>pagination with opaque {@code page_token}s (base64 JSON offsets, as the SQL store's), the
 *       {@code max_results} limits of the real server, and an optional smaller page cap so that clients
 *       must follow {@code next_page_token};
 *   <li>the SQL store's semantics: model-version numbers are max(all versions ever, deleted included) + 1
 *       under one lock; run parameters are write-once (an equal value is accepted, a different one is
 *       refused with {@code INVALID_PARAMETER_VALUE}); tags and aliases are last-writer-wins; alias names
 *       {@code latest} and {@code v<n>} are reserved; {@code transition-stage} requires
 *       {@code archive_existing_versions};
 *   <li>the artifact proxy: {@code PUT}/{@code GET /api/2.0/mlflow-artifacts/artifacts/<path>} with raw
 *       bytes, runs' {@code artifact_uri} = {@code mlflow-artifacts:/<experiment>/<run>/artifacts};
 *   <li>optional authentication: a bearer token (401 {@code UNAUTHENTICATED} JSON, as a gateway would), or
 *       HTTP basic as MLflow's basic-auth app (401 plain text with {@code WWW-Authenticate}).
 * </ul>
 *
 * <p>Switches for older or different servers: no alias endpoints (MLflow before 2.3), versions that stay
 * {@code PENDING_REGISTRATION} for a few polls, artifact roots outside the proxy, no tag filters in
 * registered-model search. Faults can be injected per endpoint, before or after the request takes effect.
 * Every request is recorded. All state is in memory and guarded by one lock, like a serialisable database.
 */
public final class FakeMlflowServer implements AutoCloseable {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final String API = "/api/2.0/mlflow/";
    private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts/";
    private static final Pattern NAME = Pattern.compile("[/\\w.\\- :]*", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ALIAS = Pattern.compile("[\\w\\-]*", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Set<String> STAGES = Set.of("None", "Staging", "Production", "Archived");
    private static final Set<String> RUN_STATUSES = Set.of("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED");
    private static final Set<String> REPEATED_QUERY_FIELDS = Set.of("stages", "order_by", "experiment_ids");

    /** One request as the server received it. */
    public record Request(String method, String path, String query, Optional<String> authorization, String body) {
        /** @return the MLflow endpoint ({@code model-versions/create}) or the artifact path */
        public String endpoint() {
            if (path.startsWith(API)) {
                return path.substring(API.length());
            }
            return path.startsWith(ARTIFACTS) ? "artifacts/" + path.substring(ARTIFACTS.length()) : path;
        }
    }

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY every answer waits for the
        // client's delayed ACK (about 40 ms on Linux loopback). Read once, when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Builder config;
    private final Object lock = new Object();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_764_374_400_000L);

    private final Map<String, Experiment> experiments = new LinkedHashMap<>();
    private final Map<String, Run> runs = new HashMap<>();
    private final Map<String, RegisteredModel> models = new TreeMap<>();
    private final Map<String, byte[]> artifacts = new HashMap<>();
    private int nextExperimentId = 1;

    private static final class Experiment {
        String id;
        String name;
        String artifactLocation;
        String lifecycle = "active";
        long created;
    }

    private static final class Run {
        String id;
        String experimentId;
        String name;
        String status = "RUNNING";
        long start;
        Long end;
        String artifactUri;
        String lifecycle = "active";
        final Map<String, String> params = new LinkedHashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        final List<ObjectNode> metrics = new ArrayList<>();
    }

    private static final class RegisteredModel {
        String name;
        long created;
        long updated;
        String description = "";
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, Integer> aliases = new TreeMap<>();
        final Map<Integer, Version> versions = new TreeMap<>();
        int highestEver;
    }

    private static final class Version {
        String model;
        int number;
        long created;
        long updated;
        String stage = "None";
        String description = "";
        String source;
        String runId = "";
        String runLink = "";
        String status = "READY";
        int pendingReads;
        final Map<String, String> tags = new LinkedHashMap<>();
    }

    private record Hook(String method, String endpoint, Runnable action) {}

    private record Fault(String method, String endpoint, int status, String contentType, String body, boolean after,
            int[] remaining) {}

    /** An MLflow error answer. */
    private static final class MlflowError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        MlflowError(String code, String message) {
            super(message);
            this.code = code;
            this.status = statusFor(code);
        }
    }

    private FakeMlflowServer(Builder config) throws IOException {
        this.config = config;
        Experiment defaults = new Experiment();
        defaults.id = "0";
        defaults.name = "Default";
        defaults.artifactLocation = artifactRoot("0");
        experiments.put(defaults.id, defaults);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread thread = new Thread(r, "fake-mlflow");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return a builder for a server with non-default behaviour */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a running server with the defaults: no authentication, aliases, proxied artifacts
     * @throws IOException when no loopback port is free
     */
    public static FakeMlflowServer start() throws IOException {
        return builder().start();
    }

    /** @return the tracking URI, {@code http://127.0.0.1:<port>} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** @return every request received so far, in order */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * @param method an HTTP method
     * @param endpoint an endpoint, e.g. {@code runs/log-batch}
     * @return the requests received for it
     */
    public List<Request> requests(String method, String endpoint) {
        return requests.stream().filter(r -> r.method().equals(method) && r.endpoint().equals(endpoint)).toList();
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        requests.clear();
    }

    /**
     * Makes the next {@code times} requests to an endpoint fail with an MLflow error body before they take
     * effect.
     *
     * @param method the HTTP method
     * @param endpoint the endpoint, e.g. {@code model-versions/get}, or {@code artifacts/} for any artifact
     * @param status the HTTP status
     * @param errorCode the {@code error_code}
     * @param times how many requests fail
     */
    public void failNext(String method, String endpoint, int status, String errorCode, int times) {
        String body = MAPPER.createObjectNode().put("error_code", errorCode)
                .put("message", "Injected failure " + errorCode).toString();
        faults.add(new Fault(method, endpoint, status, "application/json", body, false, new int[] {times}));
    }

    /**
     * Makes the next {@code times} requests to an endpoint fail with an arbitrary body (a proxy's HTML page)
     * before they take effect.
     *
     * @param method the HTTP method
     * @param endpoint the endpoint
     * @param status the HTTP status
     * @param contentType the body's content type
     * @param body the body
     * @param times how many requests fail
     */
    public void failNextWithBody(String method, String endpoint, int status, String contentType, String body,
            int times) {
        faults.add(new Fault(method, endpoint, status, contentType, body, false, new int[] {times}));
    }

    /**
     * Lets the next {@code times} requests to an endpoint take effect and then answers 503 instead of the
     * result, as when a proxy times out after the server did the work.
     *
     * @param method the HTTP method
     * @param endpoint the endpoint
     * @param times how many answers are lost
     */
    public void loseAnswerOfNext(String method, String endpoint, int times) {
        String body = MAPPER.createObjectNode().put("error_code", "TEMPORARILY_UNAVAILABLE")
                .put("message", "Injected lost answer").toString();
        faults.add(new Fault(method, endpoint, 503, "application/json", body, true, new int[] {times}));
    }

    /**
     * Runs {@code action} once, just before the next request to an endpoint takes effect, outside the
     * server's lock: another client's work can be slipped in between a client's read and its write.
     *
     * @param method the HTTP method
     * @param endpoint the endpoint
     * @param action what to do first (it may send requests to this server)
     */
    public void beforeNext(String method, String endpoint, Runnable action) {
        hooks.add(new Hook(method, endpoint, action));
    }

    /**
     * @param path an artifact path below the proxy root
     * @return its bytes, if uploaded
     */
    public Optional<byte[]> artifact(String path) {
        synchronized (lock) {
            return Optional.ofNullable(artifacts.get(path)).map(byte[]::clone);
        }
    }

    /** @return every artifact path uploaded, sorted */
    public List<String> artifactPaths() {
        synchronized (lock) {
            List<String> paths = new ArrayList<>(artifacts.keySet());
            paths.sort(null);
            return paths;
        }
    }

    /**
     * Replaces an artifact's bytes behind the clients' back (a corrupted store).
     *
     * @param path an artifact path
     * @param bytes the new content
     */
    public void replaceArtifact(String path, byte[] bytes) {
        synchronized (lock) {
            artifacts.put(path, bytes.clone());
        }
    }

    /**
     * @param runId a run
     * @return its parameters
     */
    public Map<String, String> params(String runId) {
        synchronized (lock) {
            return Map.copyOf(runs.get(runId).params);
        }
    }

    /**
     * @param runId a run
     * @return its status
     */
    public String runStatus(String runId) {
        synchronized (lock) {
            return runs.get(runId).status;
        }
    }

    /**
     * @param runId a run
     * @return the number of metric values logged to it
     */
    public int metricCount(String runId) {
        synchronized (lock) {
            return runs.get(runId).metrics.size();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // -------------------------------------------------------------------------------------------------------
    // Dispatch

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
            Request request = new Request(method, path, query,
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")),
                    new String(body, StandardCharsets.UTF_8));
            requests.add(request);
            if (!authenticated(exchange)) {
                return;
            }
            for (Hook hook : hooks) {
                if (hook.method().equals(method) && hook.endpoint().equals(request.endpoint()) && hooks.remove(hook)) {
                    hook.action().run();
                }
            }
            Fault fault = takeFault(method, request.endpoint(), false);
            if (fault != null) {
                send(exchange, fault.status(), fault.contentType(), fault.body().getBytes(StandardCharsets.UTF_8));
                return;
            }
            Answer answer;
            try {
                if (path.startsWith(ARTIFACTS)) {
                    answer = artifact(method, decodePath(path.substring(ARTIFACTS.length())), body);
                } else if (path.startsWith(API)) {
                    answer = api(method, path.substring(API.length()), query, body);
                } else {
                    answer = flaskPage(404, "Not Found", "The requested URL was not found on the server.");
                }
            } catch (MlflowError e) {
                answer = json(e.status, MAPPER.createObjectNode().put("error_code", e.code).put("message",
                        e.getMessage()));
            } catch (RuntimeException e) {
                answer = json(500, MAPPER.createObjectNode().put("error_code", "INTERNAL_ERROR").put("message",
                        e.toString()));
            }
            Fault lost = answer.status() < 300 ? takeFault(method, request.endpoint(), true) : null;
            if (lost != null) {
                send(exchange, lost.status(), lost.contentType(), lost.body().getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, answer.status(), answer.contentType(), answer.body());
        }
    }

    private record Answer(int status, String contentType, byte[] body) {}

    private boolean authenticated(HttpExchange exchange) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (config.bearerToken != null && !("Bearer " + config.bearerToken).equals(header)) {
            send(exchange, 401, "application/json", MAPPER.createObjectNode().put("error_code", "UNAUTHENTICATED")
                    .put("message", "Missing or invalid bearer token").toString().getBytes(StandardCharsets.UTF_8));
            return false;
        }
        if (config.basicUser != null) {
            String expected = "Basic " + Base64.getEncoder().encodeToString((config.basicUser + ":"
                    + config.basicPassword).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(header)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"mlflow\"");
                send(exchange, 401, "text/plain", ("You are not authenticated. Please see "
                        + "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to "
                        + "authenticate.").getBytes(StandardCharsets.UTF_8));
                return false;
            }
        }
        return true;
    }

    private Fault takeFault(String method, String endpoint, boolean after) {
        for (Fault fault : faults) {
            if (fault.after() == after && fault.method().equals(method)
                    && (endpoint.equals(fault.endpoint()) || fault.endpoint().endsWith("/") && endpoint.startsWith(
                            fault.endpoint()))) {
                synchronized (fault.remaining()) {
                    if (fault.remaining()[0] > 0) {
                        fault.remaining()[0]--;
                        return fault;
                    }
                }
            }
        }
        return null;
    }

    private Answer api(String method, String endpoint, String query, byte[] body) throws MlflowError {
        if (endpoint.equals("registered-models/alias") && config.aliasEndpoints) {
            if (!Set.of("GET", "POST", "DELETE").contains(method)) {
                return flaskPage(405, "Method Not Allowed", "The method is not allowed for the requested URL.");
            }
            return alias(method, method.equals("GET") ? fromQuery(query) : fromBody(body));
        }
        Map<String, Set<String>> routes = routes();
        Set<String> methods = routes.get(endpoint);
        if (methods == null) {
            return flaskPage(404, "Not Found", "The requested URL was not found on the server.");
        }
        if (!methods.contains(method)) {
            return flaskPage(405, "Method Not Allowed", "The method is not allowed for the requested URL.");
        }
        JsonNode in = method.equals("GET") ? fromQuery(query) : fromBody(body);
        synchronized (lock) {
            return json(200, dispatch(method, endpoint, in));
        }
    }

    private static Map<String, Set<String>> routes() {
        Map<String, Set<String>> routes = new HashMap<>();
        routes.put("experiments/get-by-name", Set.of("GET"));
        routes.put("experiments/create", Set.of("POST"));
        routes.put("runs/create", Set.of("POST"));
        routes.put("runs/get", Set.of("GET"));
        routes.put("runs/update", Set.of("POST"));
        routes.put("runs/log-batch", Set.of("POST"));
        routes.put("runs/log-parameter", Set.of("POST"));
        routes.put("registered-models/create", Set.of("POST"));
        routes.put("registered-models/get", Set.of("GET"));
        routes.put("registered-models/search", Set.of("GET"));
        routes.put("registered-models/set-tag", Set.of("POST"));
        routes.put("registered-models/get-latest-versions", Set.of("GET", "POST"));
        routes.put("model-versions/create", Set.of("POST"));
        routes.put("model-versions/get", Set.of("GET"));
        routes.put("model-versions/search", Set.of("GET"));
        routes.put("model-versions/delete", Set.of("DELETE"));
        routes.put("model-versions/set-tag", Set.of("POST"));
        routes.put("model-versions/transition-stage", Set.of("POST"));
        return routes;
    }

    private ObjectNode dispatch(String method, String endpoint, JsonNode in) throws MlflowError {
        return switch (endpoint) {
            case "experiments/get-by-name" -> getExperimentByName(in);
            case "experiments/create" -> createExperiment(in);
            case "runs/create" -> createRun(in);
            case "runs/get" -> MAPPER.createObjectNode().set("run", runJson(run(in)));
            case "runs/update" -> updateRun(in);
            case "runs/log-batch" -> logBatch(in);
            case "runs/log-parameter" -> logParameter(in);
            case "registered-models/create" -> createRegisteredModel(in);
            case "registered-models/get" -> MAPPER.createObjectNode().set("registered_model",
                    modelJson(registeredModel(required(in, "name"))));
            case "registered-models/search" -> searchRegisteredModels(in);
            case "registered-models/set-tag" -> setRegisteredModelTag(in);
            case "registered-models/get-latest-versions" -> latestVersions(in);
            case "model-versions/create" -> createVersion(in);
            case "model-versions/get" -> getVersion(in);
            case "model-versions/search" -> searchVersions(in);
            case "model-versions/delete" -> deleteVersion(in);
            case "model-versions/set-tag" -> setVersionTag(in);
            case "model-versions/transition-stage" -> transitionStage(in);
            default -> throw new IllegalStateException("no handler for " + method + " " + endpoint);
        };
    }

    // -------------------------------------------------------------------------------------------------------
    // Experiments and runs

    private ObjectNode getExperimentByName(JsonNode in) throws MlflowError {
        String name = required(in, "experiment_name");
        for (Experiment experiment : experiments.values()) {
            if (experiment.name.equals(name)) {
                return MAPPER.createObjectNode().set("experiment", experimentJson(experiment));
            }
        }
        throw new MlflowError("RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name '" + name + "'");
    }

    private ObjectNode createExperiment(JsonNode in) throws MlflowError {
        String name = required(in, "name");
        for (Experiment experiment : experiments.values()) {
            if (experiment.name.equals(name)) {
                throw new MlflowError("RESOURCE_ALREADY_EXISTS", "Experiment '" + name + "' already exists.");
            }
        }
        Experiment experiment = new Experiment();
        experiment.id = Integer.toString(nextExperimentId++);
        experiment.name = name;
        experiment.artifactLocation = in.hasNonNull("artifact_location") ? in.get("artifact_location").asText()
                : artifactRoot(experiment.id);
        experiment.created = tick();
        experiments.put(experiment.id, experiment);
        return MAPPER.createObjectNode().put("experiment_id", experiment.id);
    }

    private ObjectNode createRun(JsonNode in) throws MlflowError {
        String experimentId = in.path("experiment_id").asText("0");
        Experiment experiment = experiments.get(experimentId);
        if (experiment == null) {
            throw new MlflowError("RESOURCE_DOES_NOT_EXIST", "No Experiment with id=" + experimentId + " exists");
        }
        if (!experiment.lifecycle.equals("active")) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "The experiment " + experimentId
                    + " must be in the 'active' state. Current state is " + experiment.lifecycle + ".");
        }
        Run run = new Run();
        run.id = UUID.randomUUID().toString().replace("-", "");
        run.experimentId = experimentId;
        run.start = in.has("start_time") ? int64(in, "start_time") : tick();
        for (JsonNode tag : in.path("tags")) {
            String key = tag.path("key").asText();
            validateName("tag", key);
            run.tags.put(key, tag.path("value").asText());
        }
        run.name = in.path("run_name").asText(run.tags.getOrDefault("mlflow.runName", "quiet-fox-" + runs.size()));
        run.tags.put("mlflow.runName", run.name);
        run.artifactUri = experiment.artifactLocation + "/" + run.id + "/artifacts";
        runs.put(run.id, run);
        return MAPPER.createObjectNode().set("run", runJson(run));
    }

    private ObjectNode updateRun(JsonNode in) throws MlflowError {
        Run run = run(in);
        if (in.has("status")) {
            String status = in.get("status").asText();
            if (!RUN_STATUSES.contains(status)) {
                throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid value \"" + status
                        + "\" for parameter 'status' supplied.");
            }
            run.status = status;
        }
        if (in.has("end_time")) {
            run.end = int64(in, "end_time");
        }
        if (in.hasNonNull("run_name")) {
            run.name = in.get("run_name").asText();
        }
        return MAPPER.createObjectNode().set("run_info", runJson(run).get("info"));
    }

    private ObjectNode logBatch(JsonNode in) throws MlflowError {
        Run run = activeRun(in);
        int metrics = in.path("metrics").size();
        int params = in.path("params").size();
        int tags = in.path("tags").size();
        if (metrics + params + tags > 1000) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "A batch logging request can contain at most 1000"
                    + " metrics, params, and tags in total. Got " + (metrics + params + tags) + ".");
        }
        if (metrics > 1000 || params > 100 || tags > 100) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "A batch logging request can contain at most 1000"
                    + " metrics, 100 params and 100 tags. Got " + metrics + " metrics, " + params + " params and "
                    + tags + " tags.");
        }
        Map<String, String> newParams = new LinkedHashMap<>();
        for (JsonNode param : in.path("params")) {
            String key = param.path("key").asText();
            String value = param.path("value").asText();
            validateName("param", key);
            validateParamValue(key, value);
            String duplicate = newParams.put(key, value);
            if (duplicate != null && !duplicate.equals(value)) {
                throw new MlflowError("INVALID_PARAMETER_VALUE", "Duplicate parameter keys have been submitted: ['"
                        + key + "']. Please ensure the request contains only one param value per param key.");
            }
        }
        checkWriteOnce(run, newParams);
        List<ObjectNode> newMetrics = new ArrayList<>();
        for (JsonNode metric : in.path("metrics")) {
            String key = metric.path("key").asText();
            validateName("metric", key);
            if (!metric.has("value") || !metric.has("timestamp")) {
                throw new MlflowError("INVALID_PARAMETER_VALUE", "Metric '" + key
                        + "' must have a value and a timestamp.");
            }
            ObjectNode copy = MAPPER.createObjectNode().put("key", key).put("value", metric.get("value").asDouble())
                    .put("timestamp", int64(metric, "timestamp")).put("step", metric.has("step") ? int64(metric,
                            "step") : 0);
            newMetrics.add(copy);
        }
        for (JsonNode tag : in.path("tags")) {
            validateName("tag", tag.path("key").asText());
        }
        run.params.putAll(newParams);
        run.metrics.addAll(newMetrics);
        for (JsonNode tag : in.path("tags")) {
            run.tags.put(tag.path("key").asText(), tag.path("value").asText());
        }
        return MAPPER.createObjectNode();
    }

    private ObjectNode logParameter(JsonNode in) throws MlflowError {
        Run run = activeRun(in);
        String key = required(in, "key");
        String value = in.has("value") ? in.get("value").asText() : missing("value");
        validateName("param", key);
        validateParamValue(key, value);
        checkWriteOnce(run, Map.of(key, value));
        run.params.put(key, value);
        return MAPPER.createObjectNode();
    }

    private static void checkWriteOnce(Run run, Map<String, String> params) throws MlflowError {
        for (Map.Entry<String, String> param : params.entrySet()) {
            String existing = run.params.get(param.getKey());
            if (existing != null && !existing.equals(param.getValue())) {
                throw new MlflowError("INVALID_PARAMETER_VALUE", "Changing param values is not allowed. Param with"
                        + " key='" + param.getKey() + "' was already logged with value='" + existing
                        + "' for run ID='" + run.id + "'. Attempted logging new value '" + param.getValue() + "'.");
            }
        }
    }

    private Run run(JsonNode in) throws MlflowError {
        String id = in.hasNonNull("run_id") ? in.get("run_id").asText() : in.path("run_uuid").asText("");
        if (id.isEmpty()) {
            missing("run_id");
        }
        Run run = runs.get(id);
        if (run == null) {
            throw new MlflowError("RESOURCE_DOES_NOT_EXIST", "Run with id=" + id + " not found");
        }
        return run;
    }

    private Run activeRun(JsonNode in) throws MlflowError {
        Run run = run(in);
        if (!run.lifecycle.equals("active")) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "The run " + run.id
                    + " must be in the 'active' state. Current state is " + run.lifecycle + ".");
        }
        return run;
    }

    // -------------------------------------------------------------------------------------------------------
    // Registered models and versions

    private ObjectNode createRegisteredModel(JsonNode in) throws MlflowError {
        String name = required(in, "name");
        if (models.containsKey(name)) {
            throw new MlflowError("RESOURCE_ALREADY_EXISTS", "Registered Model (name=" + name + ") already exists.");
        }
        RegisteredModel model = new RegisteredModel();
        model.name = name;
        model.created = tick();
        model.updated = model.created;
        model.description = in.path("description").asText("");
        for (JsonNode tag : in.path("tags")) {
            validateTag(tag.path("key").asText(), tag.path("value").asText());
            model.tags.put(tag.path("key").asText(), tag.path("value").asText());
        }
        models.put(name, model);
        return MAPPER.createObjectNode().set("registered_model", modelJson(model));
    }

    private ObjectNode setRegisteredModelTag(JsonNode in) throws MlflowError {
        RegisteredModel model = registeredModel(required(in, "name"));
        String key = required(in, "key");
        String value = in.has("value") ? in.get("value").asText() : missing("value");
        validateTag(key, value);
        model.tags.put(key, value);
        return MAPPER.createObjectNode();
    }

    private ObjectNode searchRegisteredModels(JsonNode in) throws MlflowError {
        int max = in.has("max_results") ? (int) int64(in, "max_results") : 100;
        if (max < 1 || max > 1000) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid value for request parameter max_results. It "
                    + "must be at most 1000, but got value " + max);
        }
        String filter = in.path("filter").asText("");
        List<Clause> clauses = parseFilter(filter, Set.of("name"), true);
        if (!config.registeredModelTagFilters && clauses.stream().anyMatch(c -> c.tag)) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid attribute key '" + clauses.stream()
                    .filter(c -> c.tag).findFirst().orElseThrow().key + "' specified. Valid keys are '{'name'}'");
        }
        List<RegisteredModel> matches = new ArrayList<>();
        for (RegisteredModel model : models.values()) {
            if (clauses.stream().allMatch(c -> c.matches(c.tag ? model.tags.get(c.key) : model.name))) {
                matches.add(model);
            }
        }
        ObjectNode out = MAPPER.createObjectNode();
        page(in, max, matches, this::modelJson, out, "registered_models");
        return out;
    }

    private ObjectNode latestVersions(JsonNode in) throws MlflowError {
        RegisteredModel model = registeredModel(required(in, "name"));
        List<String> stages = new ArrayList<>();
        for (JsonNode stage : in.path("stages")) {
            stages.add(canonicalStage(stage.asText()));
        }
        ObjectNode out = MAPPER.createObjectNode();
        List<Version> latest = latest(model, stages.isEmpty() ? List.copyOf(STAGES) : stages);
        if (!latest.isEmpty()) {
            ArrayNode array = out.putArray("model_versions");
            latest.forEach(v -> array.add(versionJson(v)));
        }
        return out;
    }

    private static List<Version> latest(RegisteredModel model, List<String> stages) {
        Map<String, Version> byStage = new TreeMap<>();
        for (Version version : model.versions.values()) {
            if (stages.contains(version.stage)) {
                byStage.merge(version.stage, version, (a, b) -> a.number > b.number ? a : b);
            }
        }
        List<Version> latest = new ArrayList<>(byStage.values());
        latest.sort(Comparator.comparingInt(v -> v.number));
        return latest;
    }

    private ObjectNode createVersion(JsonNode in) throws MlflowError {
        String name = required(in, "name");
        String source = required(in, "source");
        RegisteredModel model = registeredModel(name);
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonNode tag : in.path("tags")) {
            validateTag(tag.path("key").asText(), tag.path("value").asText());
            tags.put(tag.path("key").asText(), tag.path("value").asText());
        }
        Version version = new Version();
        version.model = name;
        version.number = ++model.highestEver;
        version.created = tick();
        version.updated = version.created;
        version.source = source;
        version.runId = in.path("run_id").asText("");
        version.runLink = in.path("run_link").asText("");
        version.description = in.path("description").asText("");
        version.tags.putAll(tags);
        if (config.pendingReads > 0) {
            version.status = "PENDING_REGISTRATION";
            version.pendingReads = config.pendingReads;
        }
        model.versions.put(version.number, version);
        model.updated = version.created;
        return MAPPER.createObjectNode().set("model_version", versionJson(version));
    }

    private ObjectNode getVersion(JsonNode in) throws MlflowError {
        Version version = version(in);
        if (version.pendingReads > 0 && --version.pendingReads == 0) {
            version.status = "READY";
        }
        return MAPPER.createObjectNode().set("model_version", versionJson(version));
    }

    private ObjectNode searchVersions(JsonNode in) throws MlflowError {
        long max = in.has("max_results") ? int64(in, "max_results") : 200_000;
        if (max < 1 || max > 200_000) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid value for request parameter max_results. It "
                    + "must be at most 200000, but got value " + max);
        }
        List<Clause> clauses = parseFilter(in.path("filter").asText(""), Set.of("name", "run_id", "source_path"),
                false);
        List<Version> matches = new ArrayList<>();
        for (RegisteredModel model : models.values()) {
            for (Version version : model.versions.values()) {
                if (clauses.stream().allMatch(c -> c.matches(value(version, c)))) {
                    matches.add(version);
                }
            }
        }
        // The SQL store's default order: name ascending, then newest version first.
        matches.sort(Comparator.<Version, String>comparing(v -> v.model).thenComparing(v -> -v.number));
        ObjectNode out = MAPPER.createObjectNode();
        page(in, (int) max, matches, this::versionJson, out, "model_versions");
        return out;
    }

    private static String value(Version version, Clause clause) {
        if (clause.tag) {
            return version.tags.get(clause.key);
        }
        return switch (clause.key) {
            case "name" -> version.model;
            case "run_id" -> version.runId;
            default -> version.source;
        };
    }

    private ObjectNode deleteVersion(JsonNode in) throws MlflowError {
        Version version = version(in);
        RegisteredModel model = models.get(version.model);
        model.versions.remove(version.number);
        model.aliases.values().removeIf(v -> v == version.number);
        return MAPPER.createObjectNode();
    }

    private ObjectNode setVersionTag(JsonNode in) throws MlflowError {
        Version version = version(in);
        String key = required(in, "key");
        String value = in.has("value") ? in.get("value").asText() : missing("value");
        validateTag(key, value);
        version.tags.put(key, value);
        return MAPPER.createObjectNode();
    }

    private ObjectNode transitionStage(JsonNode in) throws MlflowError {
        Version version = version(in);
        String stage = canonicalStage(required(in, "stage"));
        if (!in.has("archive_existing_versions")) {
            missing("archive_existing_versions");
        }
        boolean archive = in.get("archive_existing_versions").asBoolean();
        if (archive && !stage.equals("Staging") && !stage.equals("Production")) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "Model version transition cannot archive existing"
                    + " model versions because '" + stage + "' is not an Active stage. Valid stages are Staging,"
                    + " Production");
        }
        if (archive) {
            for (Version other : models.get(version.model).versions.values()) {
                if (other != version && other.stage.equals(stage)) {
                    other.stage = "Archived";
                    other.updated = tick();
                }
            }
        }
        version.stage = stage;
        version.updated = tick();
        return MAPPER.createObjectNode().set("model_version", versionJson(version));
    }

    private RegisteredModel registeredModel(String name) throws MlflowError {
        RegisteredModel model = models.get(name);
        if (model == null) {
            throw new MlflowError("RESOURCE_DOES_NOT_EXIST", "Registered Model with name=" + name + " not found");
        }
        return model;
    }

    private Version version(JsonNode in) throws MlflowError {
        String name = required(in, "name");
        String text = required(in, "version");
        RegisteredModel model = registeredModel(name);
        Version version = text.matches("[0-9]{1,9}") ? model.versions.get(Integer.parseInt(text)) : null;
        if (version == null) {
            throw new MlflowError("RESOURCE_DOES_NOT_EXIST", "Model Version (name=" + name + ", version=" + text
                    + ") not found");
        }
        return version;
    }

    // -------------------------------------------------------------------------------------------------------
    // Aliases (routed separately: one path, three methods)

    private Answer alias(String method, JsonNode in) throws MlflowError {
        synchronized (lock) {
            RegisteredModel model = registeredModel(required(in, "name"));
            String alias = required(in, "alias");
            switch (method) {
                case "POST": {
                    validateAlias(alias);
                    String text = required(in, "version");
                    Version version = version(MAPPER.createObjectNode().put("name", model.name).put("version", text));
                    model.aliases.put(alias, version.number);
                    return json(200, MAPPER.createObjectNode());
                }
                case "DELETE":
                    model.aliases.remove(alias);
                    return json(200, MAPPER.createObjectNode());
                default: {
                    Integer number = model.aliases.get(alias);
                    if (number == null) {
                        throw new MlflowError("RESOURCE_DOES_NOT_EXIST", "Registered model alias " + alias
                                + " not found.");
                    }
                    return json(200, MAPPER.createObjectNode().set("model_version", versionJson(model.versions.get(
                            number))));
                }
            }
        }
    }

    private static void validateAlias(String alias) throws MlflowError {
        if (alias.isEmpty() || !ALIAS.matcher(alias).matches() || alias.length() > 255) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid alias name: '" + alias + "'. Names may only"
                    + " contain alphanumerics, underscores (_) and dashes (-).");
        }
        if (alias.equalsIgnoreCase("latest") || alias.matches("[vV][0-9]+")) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "'" + alias + "' alias name (case insensitive) is"
                    + " reserved.");
        }
    }

    // -------------------------------------------------------------------------------------------------------
    // Artifacts

    private Answer artifact(String method, String path, byte[] body) throws MlflowError {
        synchronized (lock) {
            switch (method) {
                case "PUT":
                    artifacts.put(path, body);
                    return json(200, MAPPER.createObjectNode());
                case "GET": {
                    byte[] bytes = artifacts.get(path);
                    if (bytes == null) {
                        throw new MlflowError("RESOURCE_DOES_NOT_EXIST", "File " + path + " does not exist");
                    }
                    return new Answer(200, "application/octet-stream", bytes);
                }
                default:
                    return flaskPage(405, "Method Not Allowed", "The method is not allowed for the requested URL.");
            }
        }
    }

    // -------------------------------------------------------------------------------------------------------
    // JSON

    private ObjectNode experimentJson(Experiment experiment) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("experiment_id", experiment.id);
        node.put("name", experiment.name);
        node.put("artifact_location", experiment.artifactLocation);
        node.put("lifecycle_stage", experiment.lifecycle);
        int64(node, "creation_time", experiment.created);
        int64(node, "last_update_time", experiment.created);
        return node;
    }

    private ObjectNode runJson(Run run) {
        ObjectNode node = MAPPER.createObjectNode();
        ObjectNode info = node.putObject("info");
        info.put("run_uuid", run.id);
        info.put("run_id", run.id);
        info.put("run_name", run.name);
        info.put("experiment_id", run.experimentId);
        info.put("user_id", run.tags.getOrDefault("mlflow.user", ""));
        info.put("status", run.status);
        int64(info, "start_time", run.start);
        if (run.end != null) {
            int64(info, "end_time", run.end);
        }
        info.put("artifact_uri", run.artifactUri);
        info.put("lifecycle_stage", run.lifecycle);
        ObjectNode data = node.putObject("data");
        Map<String, ObjectNode> latest = new TreeMap<>();
        for (ObjectNode metric : run.metrics) {
            latest.merge(metric.get("key").asText(), metric, (a, b) -> b.get("timestamp").asLong() >= a.get(
                    "timestamp").asLong() ? b : a);
        }
        if (!latest.isEmpty()) {
            ArrayNode metrics = data.putArray("metrics");
            latest.values().forEach(m -> {
                ObjectNode copy = metrics.addObject().put("key", m.get("key").asText()).put("value",
                        m.get("value").asDouble());
                int64(copy, "timestamp", m.get("timestamp").asLong());
                int64(copy, "step", m.get("step").asLong());
            });
        }
        pairs(data, "params", run.params);
        pairs(data, "tags", run.tags);
        node.putObject("inputs");
        return node;
    }

    private ObjectNode modelJson(RegisteredModel model) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("name", model.name);
        int64(node, "creation_timestamp", model.created);
        int64(node, "last_updated_timestamp", model.updated);
        if (!model.description.isEmpty()) {
            node.put("description", model.description);
        }
        List<Version> latest = latest(model, List.copyOf(STAGES));
        if (!latest.isEmpty()) {
            ArrayNode array = node.putArray("latest_versions");
            latest.forEach(v -> array.add(versionJson(v)));
        }
        pairs(node, "tags", model.tags);
        if (!model.aliases.isEmpty()) {
            ArrayNode aliases = node.putArray("aliases");
            model.aliases.forEach((alias, version) -> aliases.addObject().put("alias", alias)
                    .put("version", Integer.toString(version)));
        }
        return node;
    }

    private ObjectNode versionJson(Version version) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("name", version.model);
        node.put("version", Integer.toString(version.number));
        int64(node, "creation_timestamp", version.created);
        int64(node, "last_updated_timestamp", version.updated);
        node.put("current_stage", version.stage);
        if (!version.description.isEmpty()) {
            node.put("description", version.description);
        }
        node.put("source", version.source);
        if (!version.runId.isEmpty()) {
            node.put("run_id", version.runId);
        }
        node.put("status", version.status);
        pairs(node, "tags", version.tags);
        if (!version.runLink.isEmpty()) {
            node.put("run_link", version.runLink);
        }
        RegisteredModel model = models.get(version.model);
        List<String> aliases = new ArrayList<>();
        model.aliases.forEach((alias, number) -> {
            if (number == version.number) {
                aliases.add(alias);
            }
        });
        if (!aliases.isEmpty()) {
            ArrayNode array = node.putArray("aliases");
            aliases.forEach(array::add);
        }
        return node;
    }

    private static void pairs(ObjectNode node, String field, Map<String, String> pairs) {
        if (pairs.isEmpty()) {
            return;
        }
        ArrayNode array = node.putArray(field);
        pairs.forEach((key, value) -> array.addObject().put("key", key).put("value", value));
    }

    private void int64(ObjectNode node, String field, long value) {
        if (config.int64AsStrings) {
            node.put(field, Long.toString(value));
        } else {
            node.put(field, value);
        }
    }

    /** Reads an int64 field as MLflow's parser does: a JSON number or a decimal string. */
    private static long int64(JsonNode in, String field) throws MlflowError {
        JsonNode value = in.get(field);
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        if (value.isTextual() && value.asText().matches("-?[0-9]{1,19}")) {
            return Long.parseLong(value.asText());
        }
        throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid value " + value + " for parameter '" + field
                + "' supplied. It must be an integer.");
    }

    private <T> void page(JsonNode in, int max, List<T> matches, java.util.function.Function<T, ObjectNode> toJson,
            ObjectNode out, String field) throws MlflowError {
        int offset = 0;
        String token = in.path("page_token").asText("");
        if (!token.isEmpty()) {
            try {
                JsonNode decoded = MAPPER.readTree(Base64.getDecoder().decode(token));
                offset = decoded.get("offset").asInt();
            } catch (IOException | RuntimeException e) {
                throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid page token, could not base64-decode");
            }
        }
        int size = Math.min(max, config.maxPageSize);
        int end = Math.min(matches.size(), offset + size);
        if (offset < end) {
            ArrayNode array = out.putArray(field);
            for (T match : matches.subList(offset, end)) {
                array.add(toJson.apply(match));
            }
        }
        if (end < matches.size()) {
            out.put("next_page_token", Base64.getEncoder().encodeToString(MAPPER.createObjectNode()
                    .put("offset", end).toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    // -------------------------------------------------------------------------------------------------------
    // Filters: the subset of MLflow's search grammar the registries' searches use

    private static final class Clause {
        boolean tag;
        String key;
        String op;
        String value;

        boolean matches(String actual) {
            if (actual == null) {
                return false;
            }
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                default -> actual.matches(Pattern.quote(value).replace("%", "\\E.*\\Q").replace("_", "\\E.\\Q"));
            };
        }
    }

    private static final Pattern CLAUSE = Pattern.compile(
            "\\s*(tags\\.(?:`([^`]+)`|\"([^\"]+)\"|([\\w.]+))|(\\w+))\\s*(=|!=|LIKE)\\s*('([^']*)'|\"([^\"]*)\")\\s*",
            Pattern.CASE_INSENSITIVE);

    private static List<Clause> parseFilter(String filter, Set<String> attributes, boolean like) throws MlflowError {
        List<Clause> clauses = new ArrayList<>();
        if (filter.isBlank()) {
            return clauses;
        }
        for (String part : filter.split("(?i)\\s+AND\\s+")) {
            Matcher m = CLAUSE.matcher(part);
            if (!m.matches()) {
                throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid filter '" + filter + "'. Could not be"
                        + " parsed.");
            }
            Clause clause = new Clause();
            clause.tag = m.group(1).toLowerCase(Locale.ROOT).startsWith("tags.");
            clause.key = clause.tag ? firstNonNull(m.group(2), m.group(3), m.group(4)) : m.group(5);
            clause.op = m.group(6).toUpperCase(Locale.ROOT);
            clause.value = m.group(8) != null ? m.group(8) : m.group(9);
            if (!clause.tag && !attributes.contains(clause.key)) {
                throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid attribute key '" + clause.key
                        + "' specified. Valid keys are '" + attributes + "'");
            }
            if (clause.op.equals("LIKE") && !like) {
                throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid comparator 'LIKE' not one of '['=', '!=']'");
            }
            clauses.add(clause);
        }
        return clauses;
    }

    private static String firstNonNull(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        throw new IllegalStateException();
    }

    // -------------------------------------------------------------------------------------------------------
    // Validation as MLflow's validation.py does it

    private static void validateName(String kind, String name) throws MlflowError {
        if (name.isEmpty() || name.length() > 250 || !NAME.matcher(name).matches() || pathNotUnique(name)) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid " + kind + " name: '" + name + "'. Names may"
                    + " only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:)"
                    + " and slashes (/), and must be at most 250 characters.");
        }
    }

    private static void validateTag(String key, String value) throws MlflowError {
        validateName("tag", key);
        if (value.length() > 5000) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "Tag value '" + value.substring(0, 20) + "...' had length"
                    + " " + value.length() + ", which exceeded length limit of 5000");
        }
    }

    private static void validateParamValue(String key, String value) throws MlflowError {
        if (value.length() > 6000) {
            throw new MlflowError("INVALID_PARAMETER_VALUE", "Param value '" + value.substring(0, 20)
                    + "...' had length " + value.length() + ", which exceeded length limit of 6000");
        }
    }

    private static boolean pathNotUnique(String name) {
        if (name.startsWith("/")) {
            return true;
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static String canonicalStage(String stage) throws MlflowError {
        for (String known : STAGES) {
            if (known.equalsIgnoreCase(stage)) {
                return known;
            }
        }
        throw new MlflowError("INVALID_PARAMETER_VALUE", "Invalid Model Version stage: " + stage
                + ". Value must be one of None, Staging, Production, Archived.");
    }

    private static String required(JsonNode in, String field) throws MlflowError {
        JsonNode value = in.get(field);
        if (value == null || value.isNull() || value.asText().isEmpty()) {
            missing(field);
        }
        return value.asText();
    }

    private static String missing(String field) throws MlflowError {
        throw new MlflowError("INVALID_PARAMETER_VALUE", "Missing value for required parameter '" + field + "'. See"
                + " the API docs for more information about request parameters.");
    }

    private static int statusFor(String code) {
        return switch (code) {
            case "INVALID_PARAMETER_VALUE", "BAD_REQUEST", "RESOURCE_ALREADY_EXISTS" -> 400;
            case "UNAUTHENTICATED", "CUSTOMER_UNAUTHORIZED" -> 401;
            case "PERMISSION_DENIED" -> 403;
            case "RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "ENDPOINT_NOT_FOUND" -> 404;
            case "ABORTED", "RESOURCE_CONFLICT", "ALREADY_EXISTS" -> 409;
            case "REQUEST_LIMIT_EXCEEDED", "RESOURCE_EXHAUSTED" -> 429;
            case "NOT_IMPLEMENTED" -> 501;
            case "TEMPORARILY_UNAVAILABLE" -> 503;
            case "DEADLINE_EXCEEDED" -> 504;
            default -> 500;
        };
    }

    // -------------------------------------------------------------------------------------------------------
    // Plumbing

    private JsonNode fromQuery(String rawQuery) {
        ObjectNode node = MAPPER.createObjectNode();
        if (rawQuery.isEmpty()) {
            return node;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (REPEATED_QUERY_FIELDS.contains(key)) {
                (node.has(key) ? (ArrayNode) node.get(key) : node.putArray(key)).add(value);
            } else {
                node.put(key, value);
            }
        }
        return node;
    }

    private static JsonNode fromBody(byte[] body) throws MlflowError {
        if (body.length == 0) {
            return MAPPER.createObjectNode();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw new MlflowError("INVALID_PARAMETER_VALUE", "Request body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new MlflowError("BAD_REQUEST", "Malformed JSON request body: " + e.getMessage());
        }
    }

    private static String decodePath(String raw) {
        List<String> segments = new ArrayList<>();
        for (String segment : raw.split("/", -1)) {
            segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return String.join("/", segments);
    }

    private String artifactRoot(String experimentId) {
        return config.artifactRoot + "/" + experimentId;
    }

    private long tick() {
        return clock.incrementAndGet();
    }

    private static Answer json(int status, JsonNode node) {
        return new Answer(status, "application/json", node.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Answer flaskPage(int status, String title, String text) {
        String html = "<!doctype html>\n<html lang=en>\n<title>" + status + " " + title + "</title>\n<h1>" + title
                + "</h1>\n<p>" + text + "</p>\n";
        return new Answer(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Configures a {@link FakeMlflowServer}. */
    public static final class Builder {
        private String bearerToken;
        private String basicUser;
        private String basicPassword;
        private boolean int64AsStrings = true;
        private boolean aliasEndpoints = true;
        private boolean registeredModelTagFilters = true;
        private int maxPageSize = Integer.MAX_VALUE;
        private int pendingReads;
        private String artifactRoot = "mlflow-artifacts:";

        private Builder() {}

        /**
         * @param token the only bearer token accepted
         * @return this builder
         */
        public Builder bearerToken(String token) {
            this.bearerToken = token;
            return this;
        }

        /**
         * @param user the only user accepted (MLflow's basic-auth app)
         * @param password that user's password
         * @return this builder
         */
        public Builder basicAuth(String user, String password) {
            this.basicUser = user;
            this.basicPassword = password;
            return this;
        }

        /**
         * @param asStrings whether int64 fields are rendered as JSON strings (protobuf's canonical JSON) rather
         *     than numbers (MLflow's own server)
         * @return this builder
         */
        public Builder int64AsStrings(boolean asStrings) {
            this.int64AsStrings = asStrings;
            return this;
        }

        /**
         * @param present false to act like MLflow before 2.3, which has no registered-model alias endpoints
         * @return this builder
         */
        public Builder aliasEndpoints(boolean present) {
            this.aliasEndpoints = present;
            return this;
        }

        /**
         * @param supported false to refuse tag filters in registered-model search, as older servers do
         * @return this builder
         */
        public Builder registeredModelTagFilters(boolean supported) {
            this.registeredModelTagFilters = supported;
            return this;
        }

        /**
         * @param size the most results per page whatever {@code max_results} asks, so clients must paginate
         * @return this builder
         */
        public Builder maxPageSize(int size) {
            this.maxPageSize = size;
            return this;
        }

        /**
         * @param reads how many {@code model-versions/get} calls a new version stays
         *     {@code PENDING_REGISTRATION} for (0: versions are READY at once, as in open-source MLflow)
         * @return this builder
         */
        public Builder pendingReads(int reads) {
            this.pendingReads = reads;
            return this;
        }

        /**
         * @param root the artifact root of new experiments, {@code mlflow-artifacts:} (proxied, the default) or
         *     e.g. {@code s3://bucket/mlflow} (clients must write to storage themselves)
         * @return this builder
         */
        public Builder artifactRoot(String root) {
            this.artifactRoot = root;
            return this;
        }

        /**
         * @return the running server
         * @throws IOException when no loopback port is free
         */
        public FakeMlflowServer start() throws IOException {
            return new FakeMlflowServer(this);
        }
    }
}
