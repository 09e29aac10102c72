package dev.anomalyops.triton.client;

import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.ServiceUnavailableException;

import dev.anomalyops.core.AnomalyOpsException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.RetriableException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * A client of one Open Inference Protocol (v2) server: NVIDIA Triton, KServe, or the AnomalyOps reference
 * server. Thread-safe; share one instance (it keeps one gRPC channel or one HTTP connection pool).
 *
 * <p>The transport follows the URI's scheme: {@code grpc://host:port} (gRPC, plaintext, HTTP/2) or
 * {@code http://host:port} (HTTP/1.1 JSON; FP32 and other fixed-size inputs travel with Triton's binary tensor
 * extension unless {@link Builder#binaryData(boolean)} turns it off); {@code grpcs://} and {@code https://} are the
 * same over TLS, with {@link Builder#trustCertificates(Path)} for a private CA and {@link
 * Builder#clientCertificate(Path, Path)} for mutual TLS. {@link Builder#bearerToken(String)} authenticates to a server
 * that requires an inference token. Every call has a deadline; calls that fail
 * with {@link ServiceUnavailableException} are retried with back-off by the {@link RetryPolicy} within it, others
 * fail at once. Failures are our exceptions, carrying the server's own message: {@link
 * dev.anomalyops.core.NotFoundException} (404, NOT_FOUND), {@link InvalidRequestException} (400,
 * INVALID_ARGUMENT), {@link ServiceUnavailableException} (503, UNAVAILABLE), {@link RetriableException}
 * (deadline exceeded, 429, RESOURCE_EXHAUSTED) and {@link dev.anomalyops.core.NonRetriableException} (the rest).
 * Requests without an id get a generated one, so logs on both sides can be matched.
 *
 * <pre>{@code
 * try (TritonClient client = TritonClient.builder(URI.create("grpc://localhost:8001"))
 *         .deadline(Duration.ofSeconds(2)).build()) {
 *     if (client.modelReady("cpu-anomaly", "")) {
 *         CompletableFuture<InferResponse> pending = client.inferAsync(request);
 *     }
 * }
 * }</pre>
 */
public interface TritonClient extends AutoCloseable {

    /** @return whether the server is live (health status only; the body is ignored) */
    CompletableFuture<Boolean> serverLiveAsync();

    /** @return whether the server is ready to serve */
    CompletableFuture<Boolean> serverReadyAsync();

    /**
     * @param model model name
     * @param version version, or empty for the server's choice
     * @return whether that model (version) is ready
     */
    CompletableFuture<Boolean> modelReadyAsync(String model, String version);

    /** @return the server's name, version and extensions */
    CompletableFuture<ServerMetadata> serverMetadataAsync();

    /**
     * @param model model name
     * @param version version, or empty for the server's choice
     * @return the model's inputs and outputs
     */
    CompletableFuture<ModelMetadata> modelMetadataAsync(String model, String version);

    /**
     * @param request the request
     * @return the response
     */
    CompletableFuture<InferResponse> inferAsync(InferRequest request);

    /**
     * Opens a stream for a high rate of requests (Triton's {@code ModelStreamInfer}); see {@link InferStream}.
     *
     * @return the stream; close it when done
     * @throws UnsupportedOperationException over HTTP, which has no request stream
     */
    InferStream openStream();

    /**
     * @param readyOnly only models that are ready
     * @return the server's model repository index
     */
    CompletableFuture<List<RepositoryModel>> repositoryIndexAsync(boolean readyOnly);

    /**
     * Loads (or reloads) a model from the server's repository (Triton: {@code --model-control-mode=explicit}).
     *
     * @param model model name
     * @return completes when loaded
     */
    CompletableFuture<Void> loadModelAsync(String model);

    /**
     * @param model model name
     * @return completes when unloaded
     */
    CompletableFuture<Void> unloadModelAsync(String model);

    /** @return whether the server is live */
    default boolean serverLive() {
        return await(serverLiveAsync());
    }

    /** @return whether the server is ready */
    default boolean serverReady() {
        return await(serverReadyAsync());
    }

    /**
     * @param model model name
     * @param version version, or empty
     * @return whether it is ready
     */
    default boolean modelReady(String model, String version) {
        return await(modelReadyAsync(model, version));
    }

    /** @return the server's metadata */
    default ServerMetadata serverMetadata() {
        return await(serverMetadataAsync());
    }

    /**
     * @param model model name
     * @param version version, or empty
     * @return the model's metadata
     */
    default ModelMetadata modelMetadata(String model, String version) {
        return await(modelMetadataAsync(model, version));
    }

    /**
     * @param request the request
     * @return the response
     */
    default InferResponse infer(InferRequest request) {
        return await(inferAsync(request));
    }

    /**
     * @param readyOnly only ready models
     * @return the repository index
     */
    default List<RepositoryModel> repositoryIndex(boolean readyOnly) {
        return await(repositoryIndexAsync(readyOnly));
    }

    /** @param model model name to load */
    default void loadModel(String model) {
        await(loadModelAsync(model));
    }

    /** @param model model name to unload */
    default void unloadModel(String model) {
        await(unloadModelAsync(model));
    }

    /** Closes the channel or connection pool. */
    @Override
    void close();

    /**
     * Waits for an asynchronous call and rethrows its failure as it is (our exceptions are unchecked).
     *
     * @param future a call
     * @param <T> its result type
     * @return the result
     */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AnomalyOpsException("Inference call failed: " + cause, cause);
        } catch (CancellationException e) {
            throw new RetriableException("Inference call was cancelled", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("Interrupted while waiting for an inference call", e);
        }
    }

    /**
     * @param endpoint {@code grpc://host:port}, {@code http://host:port} (a path prefix is allowed for HTTP), or the
     *     same over TLS: {@code grpcs://}, {@code https://}
     * @return a builder
     */
    static Builder builder(URI endpoint) {
        return new Builder(endpoint);
    }

    /** The wire protocol. */
    enum Transport {
        /** HTTP/1.1 with JSON and the binary tensor extension. */
        HTTP,
        /** gRPC ({@code inference.GRPCInferenceService}). */
        GRPC
    }

    /** Builds a {@link TritonClient}; {@link #build()} reports every invalid setting at once. */
    final class Builder {
        private final URI endpoint;
        private Duration deadline = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private RetryPolicy retry = RetryPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private boolean binaryData = true;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private @Nullable Path trustCertificates;
        private @Nullable Path clientCertificateChain;
        private @Nullable Path clientPrivateKey;
        private java.util.concurrent.@Nullable Executor callbackExecutor;

        private Builder(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        /**
         * @param deadline time allowed for each call, retries included (default 10 s)
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /**
         * @param connectTimeout time allowed to open a connection (default 5 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * @param retry retry policy for {@link ServiceUnavailableException} (default {@link RetryPolicy#defaults()})
         * @return this builder
         */
        public Builder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        /**
         * @param clock measures deadlines (tests inject a fake one)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @param sleeper waits between retries (tests inject one that does not sleep)
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * @param binaryData HTTP only: send fixed-size inputs and ask for outputs in binary form (default true);
         *     false sends and receives plain JSON; gRPC always uses raw contents
         * @return this builder
         */
        public Builder binaryData(boolean binaryData) {
            this.binaryData = binaryData;
            return this;
        }

        /**
         * @param name a header (HTTP) or metadata key (gRPC) sent with every call, e.g. an authorization token
         * @param value its value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.put(name.toLowerCase(Locale.ROOT), value);
            return this;
        }

        /**
         * @param executor completes every future this client returns (default: gRPC's own pool, a thread hand-off
         *     per answer; over HTTP the thread that made the request). {@code Runnable::run} completes gRPC futures
         *     on the network thread, which saves that hand-off (measurably faster for small requests on a small
         *     machine) but then code chained on the futures must never block, or it stalls every call
         * @return this builder
         */
        public Builder callbackExecutor(java.util.concurrent.Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sends {@code Authorization: Bearer <token>} (HTTP) or the {@code authorization} metadata key (gRPC) with
         * every call: what a server with an inference token asks for.
         *
         * @param token the bearer token
         * @return this builder
         */
        public Builder bearerToken(String token) {
            return header("authorization", "Bearer " + Objects.requireNonNull(token, "token"));
        }

        /**
         * @param pem PEM certificates to trust for an {@code https://} or {@code grpcs://} endpoint (a private CA or
         *     the server's own certificate) instead of the JVM's default trust store
         * @return this builder
         */
        public Builder trustCertificates(Path pem) {
            this.trustCertificates = Objects.requireNonNull(pem, "pem");
            return this;
        }

        /**
         * A client certificate for servers that require one (mutual TLS).
         *
         * @param certificateChain PEM certificate chain, leaf first
         * @param privateKey its unencrypted PKCS#8 PEM key ({@code BEGIN PRIVATE KEY})
         * @return this builder
         */
        public Builder clientCertificate(Path certificateChain, Path privateKey) {
            this.clientCertificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
            this.clientPrivateKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /**
         * @return the client
         * @throws ConfigurationException listing every invalid setting
         */
        public TritonClient build() {
            List<String> problems = new ArrayList<>();
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            Transport transport = null;
            boolean tls = scheme.equals("https") || scheme.equals("grpcs");
            switch (scheme) {
                case "grpc", "grpcs" -> transport = Transport.GRPC;
                case "http", "https" -> transport = Transport.HTTP;
                default -> problems.add("endpoint was \"" + endpoint + "\" but it must start with grpc://, grpcs://,"
                        + " http:// or https://");
            }
            if (!tls && (trustCertificates != null || clientCertificateChain != null)) {
                problems.add("endpoint was \"" + endpoint + "\" but trusted or client certificates need https:// or"
                        + " grpcs://");
            }
            if (endpoint.getHost() == null) {
                problems.add("endpoint \"" + endpoint + "\" names no host");
            }
            if (transport == Transport.GRPC && endpoint.getPort() < 0) {
                problems.add("endpoint \"" + endpoint + "\" needs a port for gRPC (Triton's default is 8001)");
            }
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                problems.add("deadline was " + deadline + " but it must be positive");
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
                problems.add("connectTimeout was " + connectTimeout + " but it must be positive");
            }
            Objects.requireNonNull(retry, "retry");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(sleeper, "sleeper");
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            ClientTls tlsSettings = tls ? new ClientTls(trustCertificates, clientCertificateChain, clientPrivateKey)
                    : null;
            return new DefaultTritonClient(endpoint, transport == Transport.GRPC, deadline, connectTimeout, retry,
                    clock, sleeper, binaryData, headers, tlsSettings, callbackExecutor);
        }
    }
}
