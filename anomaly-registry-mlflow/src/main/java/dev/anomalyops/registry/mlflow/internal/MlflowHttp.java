package dev.anomalyops.registry.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MLflow REST transport: JSON requests to {@code <tracking-uri>/api/2.0/mlflow/<endpoint>}, raw bytes to
 * and from the artifact proxy, the {@code Authorization} header, bounded retries of idempotent requests, and
 * the mapping of MLflow's {@code error_code} to the AnomalyOps exception tree. Thread-safe.
 *
 * <p>The credential is held in one field and only ever written into the {@code Authorization} header: it is
 * never logged and never part of a message or {@link #toString()}.
 */
public final class MlflowHttp {
    /** Path of the tracking and registry API below the tracking URI. */
    public static final String API = "/api/2.0/mlflow/";
    /** Path of the artifact proxy below the tracking URI. */
    public static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts/";

    private static final Logger LOG = LoggerFactory.getLogger(MlflowHttp.class);
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final int MAX_MESSAGE = 500;
    private static final int MAX_ERROR_BODY = 64 * 1024;
    /** Error codes MLflow uses for conditions that pass (overload, timeouts, aborted transactions). */
    private static final Set<String> RETRIABLE_CODES = Set.of("TEMPORARILY_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED",
            "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED", "INTERNAL_ERROR", "ABORTED");
    private static final Set<String> NOT_FOUND_CODES = Set.of("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND");

    private final URI base;
    private final @Nullable String authorization;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;

    /**
     * @param base the tracking URI without a trailing slash
     * @param authorization the whole {@code Authorization} header value, or null to send none
     * @param client the HTTP client (HTTP/1.1, no redirects)
     * @param requestTimeout per-request timeout
     * @param maxAttempts attempts for idempotent requests (1 = no retries)
     * @param initialBackoff first pause between attempts; doubles each time, with jitter
     */
    public MlflowHttp(URI base, @Nullable String authorization, HttpClient client, Duration requestTimeout,
            int maxAttempts, Duration initialBackoff) {
        this.base = base;
        this.authorization = authorization;
        this.client = client;
        this.requestTimeout = requestTimeout;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
    }

    /** @return a new empty JSON object for request bodies */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** @return the shared JSON mapper */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** @return attempts for idempotent requests */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the tracking URI requests go to */
    public URI base() {
        return base;
    }

    /**
     * The answer to one request.
     *
     * @param status the HTTP status
     * @param json the parsed body on success ({@code {}} when empty); an empty object on failure
     * @param errorCode MLflow's {@code error_code}, or an empty string when the body carried none
     * @param message MLflow's {@code message}, or a short excerpt of a non-JSON body
     */
    public record Response(int status, JsonNode json, String errorCode, String message) {
        /** @return whether the status is 2xx */
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /**
         * @return whether MLflow said the thing asked for does not exist; a bare 404 without an MLflow error
         *     body means a wrong address or a missing endpoint instead, and does not count
         */
        public boolean notFound() {
            return NOT_FOUND_CODES.contains(errorCode);
        }

        /** @return whether the server lacks the endpoint (an older MLflow, or not MLflow at all) */
        public boolean endpointMissing() {
            return "ENDPOINT_NOT_FOUND".equals(errorCode) || (status == 404 || status == 405) && errorCode.isEmpty();
        }

        /** @return whether the failure is transient: 429, 5xx other than 501, or a transient error code */
        public boolean retriable() {
            return RETRIABLE_CODES.contains(errorCode) || status == 429 || (status >= 500 && status != 501);
        }
    }

    /**
     * Sends a JSON API request and returns the answer whatever its status. Idempotent requests are retried
     * on transport failures and retriable statuses.
     *
     * @param method GET, POST, PATCH or DELETE
     * @param endpoint the endpoint below {@link #API}, e.g. {@code model-versions/get}
     * @param query query parameters (GET), repeated keys allowed
     * @param body the JSON body (POST, PATCH, DELETE), or null
     * @param idempotent whether the request may be repeated safely
     * @return the answer
     * @throws RetriableException when the server could not be reached
     */
    public Response send(String method, String endpoint, Map<String, List<String>> query, @Nullable JsonNode body,
            boolean idempotent) {
        URI uri = URI.create(base + API + endpoint + queryString(query));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(write(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        authorize(request);
        HttpRequest built = request.build();
        String what = method + " " + endpoint;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                response = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (!idempotent || attempt >= maxAttempts) {
                    throw new RetriableException(prefix(what) + "could not reach the server: " + describe(e), e);
                }
                pause(attempt, null, what);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException(prefix(what) + "interrupted while waiting for the server", e);
            }
            Response answer = toResponse(response.statusCode(), response.body(), what);
            LOG.debug("MLflow {} -> HTTP {} {}", what, answer.status(), answer.errorCode());
            if (answer.ok() || !answer.retriable() || !idempotent || attempt >= maxAttempts) {
                return answer;
            }
            pause(attempt, response.headers().firstValue("Retry-After").orElse(null), what);
        }
    }

    /**
     * Like {@link #send} but fails unless the answer is a success.
     *
     * @param method GET, POST, PATCH or DELETE
     * @param endpoint the endpoint below {@link #API}
     * @param query query parameters
     * @param body the JSON body, or null
     * @param idempotent whether the request may be repeated safely
     * @return the parsed success body
     */
    public JsonNode call(String method, String endpoint, Map<String, List<String>> query, @Nullable JsonNode body,
            boolean idempotent) {
        Response answer = send(method, endpoint, query, body, idempotent);
        if (!answer.ok()) {
            throw failure(method + " " + endpoint, answer);
        }
        return answer.json();
    }

    /**
     * Uploads one file through the artifact proxy ({@code PUT <origin>/api/2.0/mlflow-artifacts/artifacts/<path>}).
     *
     * @param origin scheme, authority and path prefix of the server that proxies artifacts
     * @param path the artifact path below the proxy root, segments separated by '/'
     * @param file the file to send
     */
    public void upload(URI origin, String path, Path file) {
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw new StorageException("Cannot read " + file + " to upload it to MLflow: " + e.getMessage(), e);
        }
        upload(origin, path, body);
    }

    /**
     * Uploads bytes through the artifact proxy.
     *
     * @param origin scheme, authority and path prefix of the server that proxies artifacts
     * @param path the artifact path below the proxy root
     * @param bytes the content
     */
    public void upload(URI origin, String path, byte[] bytes) {
        upload(origin, path, HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    private void upload(URI origin, String path, HttpRequest.BodyPublisher body) {
        URI uri = URI.create(origin + ARTIFACTS + encodePath(path));
        String what = "PUT artifact " + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Content-Type", "application/octet-stream")
                .PUT(body);
        authorize(request);
        HttpRequest built = request.build();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<byte[]> response = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
                Response answer = toResponse(response.statusCode(), response.body(), what);
                LOG.debug("MLflow {} -> HTTP {}", what, answer.status());
                if (answer.ok()) {
                    return;
                }
                if (!answer.retriable() || attempt >= maxAttempts) {
                    throw failure(what, answer);
                }
                pause(attempt, response.headers().firstValue("Retry-After").orElse(null), what);
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    throw new RetriableException(prefix(what) + "could not reach the server: " + describe(e), e);
                }
                pause(attempt, null, what);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException(prefix(what) + "interrupted while waiting for the server", e);
            }
        }
    }

    /**
     * Downloads one file from the artifact proxy into {@code target}, refusing more than {@code maxBytes}.
     *
     * @param origin scheme, authority and path prefix of the server that proxies artifacts
     * @param path the artifact path below the proxy root
     * @param target the file to write (replaced)
     * @param maxBytes the most bytes accepted
     */
    public void download(URI origin, String path, Path target, long maxBytes) {
        URI uri = URI.create(origin + ARTIFACTS + encodePath(path));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET();
        authorize(request);
        HttpRequest built = request.build();
        String what = "GET artifact " + path;
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<InputStream> response = client.send(built, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    if (response.statusCode() / 100 == 2) {
                        copy(in, target, maxBytes, path);
                        LOG.debug("MLflow {} -> HTTP {}", what, response.statusCode());
                        return;
                    }
                    Response answer = toResponse(response.statusCode(), in.readNBytes(MAX_ERROR_BODY), what);
                    if (!answer.retriable() || attempt >= maxAttempts) {
                        throw failure(what, answer);
                    }
                }
                pause(attempt, response.headers().firstValue("Retry-After").orElse(null), what);
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    throw new RetriableException(prefix(what) + "could not read from the server: " + describe(e), e);
                }
                pause(attempt, null, what);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException(prefix(what) + "interrupted while waiting for the server", e);
            }
        }
    }

    /**
     * Turns a failed answer into the exception callers select on: {@link NotFoundException} for missing
     * resources, {@link RetriableException} for transient failures, {@link NonRetriableException} otherwise.
     *
     * @param what the request, e.g. {@code GET model-versions/get}
     * @param answer a failed answer
     * @return the exception to throw
     */
    public RuntimeException failure(String what, Response answer) {
        String code = answer.errorCode().isEmpty() ? "" : " " + answer.errorCode();
        String message = prefix(what) + "HTTP " + answer.status() + code
                + (answer.message().isEmpty() ? "" : ": " + answer.message());
        if (answer.retriable()) {
            return new RetriableException(message);
        }
        if (answer.status() == 401 || answer.status() == 403) {
            return new NonRetriableException(message + " (check the MLflow credentials: bearer token, or user"
                    + " name and password)");
        }
        if (answer.endpointMissing()) {
            return new NonRetriableException(message + " (the server has no such endpoint: is " + base
                    + " an MLflow tracking server, and recent enough?)");
        }
        if (answer.notFound()) {
            return new NotFoundException(message);
        }
        if (answer.status() >= 300 && answer.status() < 400) {
            return new NonRetriableException(message + " (redirects are not followed, so that credentials never"
                    + " travel to another address: use the final address as the tracking URI)");
        }
        return new NonRetriableException(message);
    }

    private Response toResponse(int status, byte[] body, String what) {
        if (status >= 200 && status < 300) {
            if (body.length == 0) {
                return new Response(status, object(), "", "");
            }
            try {
                return new Response(status, MAPPER.readTree(body), "", "");
            } catch (IOException e) {
                throw new NonRetriableException(prefix(what) + "HTTP " + status + " with a body that is not JSON ("
                        + excerpt(body) + "); is " + base + " an MLflow tracking server?", e);
            }
        }
        try {
            JsonNode error = MAPPER.readTree(body);
            if (error != null && error.isObject()) {
                return new Response(status, object(), error.path("error_code").asText(""),
                        clean(error.path("message").asText("")));
            }
        } catch (IOException e) {
            // A proxy in front of MLflow answered with HTML or plain text: keep an excerpt and the status.
        }
        return new Response(status, object(), "", excerpt(body));
    }

    private void authorize(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
    }

    private void pause(int attempt, @Nullable String retryAfter, String what) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 10);
        millis = Math.min(millis, 10_000) / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, millis / 2 + 1));
        if (retryAfter != null && retryAfter.matches("[0-9]{1,4}")) {
            millis = Math.min(Long.parseLong(retryAfter) * 1000, 30_000);
        }
        LOG.debug("MLflow {}: attempt {} failed, retrying in {} ms", what, attempt, millis);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException(prefix(what) + "interrupted while waiting to retry", e);
        }
    }

    private String prefix(String what) {
        return "MLflow " + base + ": " + what + " failed: ";
    }

    private static byte[] write(JsonNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("JSON serialisation of a tree cannot fail", e);
        }
    }

    private static void copy(InputStream in, Path target, long maxBytes, String path) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                total += read;
                if (total > maxBytes) {
                    throw new StorageException("MLflow artifact " + path + " is larger than " + maxBytes
                            + " bytes, the most a bundle may hold");
                }
                out.write(buffer, 0, read);
            }
        }
    }

    /**
     * @param query parameters, repeated keys allowed
     * @return {@code ?k=v&...} with form encoding, or an empty string
     */
    static String queryString(Map<String, List<String>> query) {
        if (query.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        query.forEach((key, values) -> {
            for (String value : values) {
                pairs.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return "?" + String.join("&", pairs);
    }

    /**
     * @param path an artifact path, segments separated by '/'
     * @return the path with each segment percent-encoded
     */
    static String encodePath(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return String.join("/", segments);
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        return clean(text.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]*>", " "));
    }

    private static String clean(String message) {
        String oneLine = message.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "...";
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getClass().getSimpleName() + ": " + e.getMessage()
                : e.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return "MlflowHttp[" + base + (authorization == null ? "" : ", authenticated") + "]";
    }
}
