package dev.anomalyops.triton.client;

import dev.anomalyops.triton.internal.HttpCodec;

import dev.anomalyops.core.RetriableException;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import dev.anomalyops.triton.ServiceUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * REST over the JDK's {@link HttpClient}, forced to HTTP/1.1: an HTTP/2 upgrade on cleartext is ignored by some
 * servers (uvicorn, KServe's Python server), which then lose the POST body. The client pools and reuses
 * connections on its own.
 */
final class HttpTransport implements WireTransport {
    private final HttpClient http;
    private final String base;
    private final boolean binary;
    private final Map<String, String> headers;
    private final @Nullable Executor callbackExecutor;
    private final ExecutorService requests;
    private static final AtomicInteger THREADS = new AtomicInteger();

    HttpTransport(URI endpoint, Duration connectTimeout, boolean binary, Map<String, String> headers,
            @Nullable ClientTls tls, @Nullable Executor callbackExecutor) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout);
        if (tls != null) {
            builder.sslContext(tls.context());
        }
        this.http = builder.build();
        this.callbackExecutor = callbackExecutor;
        this.requests = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "anomalyops-http-client-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        String text = endpoint.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.binary = binary;
        this.headers = Map.copyOf(headers);
    }

    @Override
    public CompletableFuture<Boolean> live(Duration timeout) {
        return health("/v2/health/live", timeout);
    }

    @Override
    public CompletableFuture<Boolean> ready(Duration timeout) {
        return health("/v2/health/ready", timeout);
    }

    @Override
    public CompletableFuture<Boolean> modelReady(String model, String version, Duration timeout) {
        return health(modelPath(model, version) + "/ready", timeout);
    }

    @Override
    public CompletableFuture<ServerMetadata> serverMetadata(Duration timeout) {
        return send(get("/v2", timeout), "server metadata").thenApply(r -> HttpCodec.serverMetadata(r.body()));
    }

    @Override
    public CompletableFuture<ModelMetadata> modelMetadata(String model, String version, Duration timeout) {
        return send(get(modelPath(model, version), timeout), "metadata of model \"" + model + "\"")
                .thenApply(r -> HttpCodec.modelMetadata(r.body()));
    }

    @Override
    public CompletableFuture<InferResponse> infer(InferRequest request, Duration timeout) {
        HttpCodec.Body body = HttpCodec.encodeRequest(request, binary, binary);
        HttpRequest.Builder b = request(modelPath(request.model(), request.version()) + "/infer", timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (body.jsonLength() >= 0) {
            b.header("Content-Type", "application/octet-stream");
            b.header(HttpCodec.HEADER_LENGTH, Integer.toString(body.jsonLength()));
        } else {
            b.header("Content-Type", "application/json");
        }
        return send(b.build(), "inference on model \"" + request.model() + "\"").thenApply(r -> {
            int jsonLength = r.headers().firstValue(HttpCodec.HEADER_LENGTH).map(Integer::parseInt).orElse(-1);
            return HttpCodec.decodeResponse(r.body(), jsonLength);
        });
    }

    @Override
    public CompletableFuture<List<RepositoryModel>> index(boolean readyOnly, Duration timeout) {
        HttpRequest request = request("/v2/repository/index", timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"ready\":" + readyOnly + "}")).build();
        return send(request, "repository index").thenApply(r -> HttpCodec.repositoryIndex(r.body()));
    }

    @Override
    public CompletableFuture<Void> load(String model, Duration timeout) {
        return repository(model, "load", timeout);
    }

    @Override
    public CompletableFuture<Void> unload(String model, Duration timeout) {
        return repository(model, "unload", timeout);
    }

    private CompletableFuture<Void> repository(String model, String action, Duration timeout) {
        HttpRequest request = request("/v2/repository/models/" + encode(model) + "/" + action, timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        return send(request, action + " of model \"" + model + "\"").thenApply(r -> null);
    }

    private CompletableFuture<Boolean> health(String path, Duration timeout) {
        return exchange(get(path, timeout), "health " + path).thenApply(r -> r.statusCode() / 100 == 2);
    }

    private CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request, String what) {
        return exchange(request, what).thenApply(r -> {
            if (r.statusCode() / 100 != 2) {
                throw Errors.http(r.statusCode(), what, HttpCodec.errorMessage(r.statusCode(), r.body()));
            }
            return r;
        });
    }

    private CompletableFuture<HttpResponse<byte[]>> exchange(HttpRequest request, String what) {
        // The JDK client's blocking send, run on our own threads, answers in ~0.4 ms where its sendAsync takes
        // ~2.5 ms on JDK 17 (measured on loopback against the reference server): sendAsync hands every step of the
        // exchange between the selector thread and the executor. HTTP/1.1 holds a connection per request in flight
        // anyway, so a thread per request in flight costs little more.
        CompletableFuture<HttpResponse<byte[]>> sent = new CompletableFuture<>();
        try {
            requests.execute(() -> {
                try {
                    sent.complete(http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    sent.completeExceptionally(e);
                } catch (IOException | RuntimeException e) {
                    sent.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            sent.completeExceptionally(new IllegalStateException("The client is closed", e));
        }
        CompletableFuture<HttpResponse<byte[]>> answered = callbackExecutor == null ? sent
                : sent.whenCompleteAsync((r, e) -> { }, callbackExecutor);
        return answered.handle((r, e) -> {
            if (e == null) {
                return r;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
                throw new ServiceUnavailableException("Cannot connect to " + base + " for " + what + ": " + cause, cause);
            }
            if (cause instanceof HttpTimeoutException) {
                throw new RetriableException("The " + what + " call to " + base + " timed out", cause);
            }
            if (cause instanceof IOException) {
                throw new ServiceUnavailableException("The connection to " + base + " failed during " + what + ": "
                        + cause, cause);
            }
            throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        });
    }

    private HttpRequest get(String path, Duration timeout) {
        return request(path, timeout).GET().build();
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        headers.forEach(b::header);
        return b;
    }

    private static String modelPath(String model, String version) {
        return "/v2/models/" + encode(model) + (version.isEmpty() ? "" : "/versions/" + encode(version));
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        // Requests already sent finish on their threads; the JDK client owns no resource that outlives its last
        // reference before JDK 21.
        requests.shutdown();
    }
}
