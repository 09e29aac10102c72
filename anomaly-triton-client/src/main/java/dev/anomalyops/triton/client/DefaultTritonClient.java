package dev.anomalyops.triton.client;

import dev.anomalyops.core.RetriableException;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import dev.anomalyops.triton.ServiceUnavailableException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link TritonClient}: a transport plus the deadline, the retry loop and request ids. */
final class DefaultTritonClient implements TritonClient {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultTritonClient.class);
    private final WireTransport transport;
    private final Duration deadline;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final String endpoint;

    /**
     * @param endpoint server URI
     * @param grpc gRPC (else HTTP)
     * @param deadline per call, retries included
     * @param connectTimeout connection timeout
     * @param retry retry policy
     * @param clock for deadlines
     * @param sleeper for back-off
     * @param binaryData HTTP binary tensors
     * @param headers extra headers or metadata
     * @param tls TLS settings; null for plaintext
     * @param callbackExecutor completes the futures; null: the transport's default
     */
    DefaultTritonClient(URI endpoint, boolean grpc, Duration deadline, Duration connectTimeout,
            RetryPolicy retry, Clock clock, Sleeper sleeper, boolean binaryData, Map<String, String> headers,
            @Nullable ClientTls tls, @Nullable Executor callbackExecutor) {
        this.transport = grpc ? new GrpcTransport(endpoint, connectTimeout, headers, tls, callbackExecutor)
                : new HttpTransport(endpoint, connectTimeout, binaryData, headers, tls, callbackExecutor);
        this.deadline = deadline;
        this.retry = retry;
        this.clock = clock;
        this.sleeper = sleeper;
        this.endpoint = endpoint.toString();
    }

    @Override
    public CompletableFuture<Boolean> serverLiveAsync() {
        return call("server live", transport::live);
    }

    @Override
    public CompletableFuture<Boolean> serverReadyAsync() {
        return call("server ready", transport::ready);
    }

    @Override
    public CompletableFuture<Boolean> modelReadyAsync(String model, String version) {
        return call("model ready", t -> transport.modelReady(model, version, t));
    }

    @Override
    public CompletableFuture<ServerMetadata> serverMetadataAsync() {
        return call("server metadata", transport::serverMetadata);
    }

    @Override
    public CompletableFuture<ModelMetadata> modelMetadataAsync(String model, String version) {
        return call("model metadata", t -> transport.modelMetadata(model, version, t));
    }

    @Override
    public CompletableFuture<InferResponse> inferAsync(InferRequest request) {
        InferRequest withId = request.id().isEmpty() ? request.withId(UUID.randomUUID().toString()) : request;
        return call("inference", t -> transport.infer(withId, t));
    }

    @Override
    public InferStream openStream() {
        return transport.openStream(deadline);
    }

    @Override
    public CompletableFuture<List<RepositoryModel>> repositoryIndexAsync(boolean readyOnly) {
        return call("repository index", t -> transport.index(readyOnly, t));
    }

    @Override
    public CompletableFuture<Void> loadModelAsync(String model) {
        return call("model load", t -> transport.load(model, t));
    }

    @Override
    public CompletableFuture<Void> unloadModelAsync(String model) {
        return call("model unload", t -> transport.unload(model, t));
    }

    private <T> CompletableFuture<T> call(String what, Function<Duration, CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(what, attempt, 1, clock.instant(), result);
        return result;
    }

    private <T> void attempt(String what, Function<Duration, CompletableFuture<T>> attempt, int number, Instant start,
            CompletableFuture<T> result) {
        Duration remaining = deadline.minus(Duration.between(start, clock.instant()));
        if (remaining.isNegative() || remaining.isZero()) {
            result.completeExceptionally(new RetriableException("The " + what + " call to " + endpoint
                    + " ran out of its " + deadline.toMillis() + " ms deadline after " + (number - 1) + " attempt(s)"));
            return;
        }
        CompletableFuture<T> call;
        try {
            call = attempt.apply(remaining);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        call.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (!(cause instanceof ServiceUnavailableException) || number >= retry.maxAttempts()) {
                result.completeExceptionally(cause);
                return;
            }
            Duration wait = retry.backoff(number);
            Duration left = deadline.minus(Duration.between(start, clock.instant()));
            if (wait.compareTo(left) >= 0) {
                result.completeExceptionally(cause);
                return;
            }
            LOG.debug("Retrying {} call to {} in {} ms (attempt {} failed: {})", what, endpoint, wait.toMillis(),
                    number, cause.getMessage());
            sleeper.sleep(wait).whenComplete((ignored, sleepError) -> attempt(what, attempt, number + 1, start, result));
        });
    }

    @Override
    public void close() {
        transport.close();
    }
}
