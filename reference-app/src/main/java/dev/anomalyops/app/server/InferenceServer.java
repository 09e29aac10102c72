package dev.anomalyops.app.server;

import dev.anomalyops.app.ServingEndpoints;
import dev.anomalyops.app.explain.ExplainHandler;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.anomalyops.triton.server.ErrorStatus;
import dev.anomalyops.triton.server.GrpcEndpoints;
import dev.anomalyops.triton.server.HttpEndpoints;
import dev.anomalyops.triton.server.HttpReply;
import dev.anomalyops.triton.server.ScoringInferenceService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference v2 inference server on Armeria: REST ({@code /v2/...}) and gRPC
 * ({@code inference.GRPCInferenceService}) on one port, Prometheus text at {@code /metrics}. Armeria was chosen
 * over Vert.x for what the next issues build on it: graceful shutdown with a quiet period, request and connection
 * limits and decorators for throttling (load shedding with 429 / RESOURCE_EXHAUSTED), TLS and mTLS on the same
 * port, auth decorators, and Micrometer built in; its 2 s start-up does not matter for a long-running server.
 *
 * <p>Next to the protocol: {@code /feedback} (labels for recent predictions) and {@code /admin/...} (canary and
 * A/B control, the Alertmanager webhook), see {@link AdminService}. Unversioned inference requests go through the
 * model's A/B test or canary, sticky per user: the {@value #USER_HEADER} header, the {@value #USER_COOKIE} cookie or
 * the request parameter {@code user_id} (the one way over gRPC).
 *
 * <p>Bodies over {@code maxRequestBytes} are refused before they are read whole: HTTP 413 with the protocol's
 * {@code {"error": ...}} object, gRPC {@code RESOURCE_EXHAUSTED}.
 *
 * <p>Under load: inference is scored on a fixed pool of scoring threads, off Armeria's event loops, so that the event
 * loops keep reading requests and the queue of waiting requests is visible to {@link Admission}, which sheds what is
 * over the in-flight limit with 429 / {@code RESOURCE_EXHAUSTED} (health and metadata are never shed). On
 * {@link #close()} readiness goes false first, the server keeps answering for the drain period (so that load
 * balancers stop sending), then stops accepting and lets in-flight requests finish.
 */
public final class InferenceServer implements AutoCloseable {
    /** The HTTP header naming the user for sticky routing. */
    public static final String USER_HEADER = "x-user-id";
    /** Largest body of a feedback or admin request. */
    private static final long ADMIN_MAX_BYTES = 1 << 20;
    /** The cookie naming the user for sticky routing when the header is absent. */
    public static final String USER_COOKIE = "user_id";
    private final Server server;
    private final ScoringInferenceService service;
    private final PrometheusMeterRegistry registry;
    private final Runnable onClose;
    private final @Nullable ExecutorService scoring;
    private final Duration drain;

    private InferenceServer(Server server, ScoringInferenceService service, PrometheusMeterRegistry registry,
            Runnable onClose, @Nullable ExecutorService scoring, Duration drain) {
        this.server = server;
        this.service = service;
        this.registry = registry;
        this.onClose = onClose;
        this.scoring = scoring;
        this.drain = drain;
    }

    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

    /**
     * @param service the scoring service (loads and serves the models)
     * @param routed what answers inference: the scoring service behind the A/B and canary router
     * @param admin the feedback, admin and Alertmanager endpoints
     * @param explain answers {@code POST /v1/explain} (asynchronously, off the scoring path); null: not served
     * @param registry metrics registry (its scrape is {@code /metrics})
     * @param port port, 0 for any free one
     * @param maxRequestBytes largest request body or gRPC message
     * @param maxElements most elements one input tensor may declare
     * @param guards authentication and rate limits in front of every service
     * @param tls TLS of the port; null for plaintext
     * @param onClose releases what the caller wired around the service, after the server stopped
     * @param resilience in-flight limit, scoring threads and shutdown drain
     * @return the started server
     */
    static InferenceServer start(ScoringInferenceService service, RoutedInferenceService routed, AdminService admin,
            @Nullable ExplainHandler explain, PrometheusMeterRegistry registry, int port, long maxRequestBytes, long maxElements, Guards guards,
            ServerSecurity.@Nullable Tls tls, Runnable onClose, ReferenceServer.Resilience resilience) {
        // Zero scoring threads: score on the event loop that read the request (no hand-off per request, the fastest
        // for engines that take microseconds; under overload the shedding then answers more slowly).
        @Nullable ExecutorService pool = resilience.scoringThreads() == 0 ? null : scoringPool(resilience.scoringThreads());
        java.util.concurrent.Executor scoring = pool == null ? Runnable::run : pool;
        Admission admission = new Admission(resilience.maxInFlight(), registry);
        HttpEndpoints http = new HttpEndpoints(routed, maxElements);
        GrpcEndpoints grpc = new GrpcEndpoints(routed, maxElements);
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(GrpcEndpoints.SERVICE);
        for (String method : grpc.methods()) {
            MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(GrpcEndpoints.SERVICE, method))
                    .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
            boolean infer = method.equals("ModelInfer");
            definition.addMethod(descriptor, ServerCalls.asyncUnaryCall((request, observer) ->
                    (infer ? CompletableFuture.supplyAsync(() -> grpc.handle(method, request), scoring)
                            .thenCompose(f -> f) : grpc.handle(method, request)).whenComplete((response, error) -> {
                        if (error != null) {
                            ErrorStatus status = ErrorStatus.of(error);
                            observer.onError(Status.fromCodeValue(status.grpcCode())
                                    .withDescription(ErrorStatus.message(error)).asRuntimeException());
                        } else {
                            observer.onNext(response);
                            observer.onCompleted();
                        }
                    })));
        }
        definition.addMethod(MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(GrpcEndpoints.SERVICE,
                        GrpcEndpoints.STREAM_METHOD))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build(),
                ServerCalls.asyncBidiStreamingCall(responses -> new InferStreamCall(grpc, responses, admission,
                        scoring)));
        HttpService v2 = (ctx, req) -> {
            java.util.function.Function<AggregatedHttpRequest, CompletableFuture<HttpReply>> handle = aggregated -> {
                String user = userId(aggregated);
                HttpEndpoints endpoints = user == null ? http : new HttpEndpoints(routed.forUser(user), maxElements);
                return endpoints.handle(req.method().name(), ctx.path(),
                        aggregated.headers().get("inference-header-content-length"), aggregated.content().array());
            };
            // Inference is scored on the scoring pool; health and metadata stay on the event loop (cheap, never queued).
            CompletableFuture<HttpReply> replied = ctx.path().endsWith("/infer")
                    ? req.aggregate().thenComposeAsync(handle, scoring) : req.aggregate().thenCompose(handle);
            return HttpResponse.of(replied.thenApply(InferenceServer::reply));
        };
        HttpService operations = (ctx, req) -> HttpResponse.of(req.aggregate()
                .thenApply(aggregated -> admin.handle(aggregated, ctx.path())));
        ServerBuilder builder = Server.builder();
        Guards.listen(builder, port, tls);
        builder.decorator(guards)
                // Armeria's advice for gRPC: no server-wide body limit, a per-message limit on the gRPC service
                // (which answers RESOURCE_EXHAUSTED), and per-route limits on the HTTP services (413).
                .maxRequestLength(0)
                .meterRegistry(registry)
                .gracefulShutdownTimeout(Duration.ofSeconds(1), Duration.ofSeconds(10))
                .errorHandler(new TooLargeHandler(maxRequestBytes))
                .service(GrpcService.builder().addService(definition.build())
                        .maxRequestMessageLength((int) Math.min(Integer.MAX_VALUE, maxRequestBytes))
                        .maxResponseMessageLength(256 << 20).build(), admission.decorator())
                // A stream lives as long as its client keeps it: no request timeout on it (each of its requests
                // is answered at once; unary calls keep the default timeout).
                .decorator("/" + GrpcEndpoints.SERVICE + "/" + GrpcEndpoints.STREAM_METHOD, (delegate, ctx, req) -> {
                    ctx.clearRequestTimeout();
                    return delegate.serve(ctx, req);
                })
                .service(ServingEndpoints.METRICS_PATH, (ctx, req) -> HttpResponse.of(HttpStatus.OK,
                        MediaType.parse("text/plain; version=0.0.4; charset=utf-8"), registry.scrape()))
                .route().path("/feedback").maxRequestLength(ADMIN_MAX_BYTES).build(operations)
                .route().pathPrefix("/admin").maxRequestLength(ADMIN_MAX_BYTES).build(operations)
                // "/v2" itself is server metadata: bound exactly too, or Armeria would redirect it to "/v2/".
                .route().path("/v2").maxRequestLength(maxRequestBytes).decorator(admission.decorator()).build(v2)
                .route().pathPrefix("/v2").maxRequestLength(maxRequestBytes).decorator(admission.decorator()).build(v2);
        if (explain != null) {
            HttpService explainService = (ctx, req) -> HttpResponse.of(req.aggregate()
                    .thenCompose(aggregated -> explain.handle(aggregated.content().array()))
                    .thenApply(InferenceServer::explainReply));
            builder.route().path(ServingEndpoints.EXPLAIN_PATH).methods(HttpMethod.POST)
                    .maxRequestLength(ADMIN_MAX_BYTES).build(explainService);
        }
        Server server = builder.build();
        try {
            server.start().join();
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.shutdownNow();
            }
            throw e;
        }
        return new InferenceServer(server, service, registry, onClose, pool, resilience.shutdownDrain());
    }

    private static ExecutorService scoringPool(int threads) {
        AtomicInteger n = new AtomicInteger();
        // Unbounded queue: Admission bounds what reaches it (inference requests in flight).
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "anomalyops-score-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Answers bodies over the limit in the caller's protocol: the v2 error object with HTTP 413, or for a gRPC call
     * a trailers-only response with {@code RESOURCE_EXHAUSTED} (an HTTP 413 would reach a gRPC client as UNKNOWN).
     * The limit trips either while the service aggregates the body or in the HTTP layer before it.
     */
    private static final class TooLargeHandler implements ServerErrorHandler {
        private final long limit;

        TooLargeHandler(long limit) {
            this.limit = limit;
        }

        private AggregatedHttpResponse tooLarge(@Nullable RequestHeaders headers) {
            String message = "The request body is larger than the server's limit of " + limit + " bytes";
            MediaType type = headers == null ? null : headers.contentType();
            if (type != null && type.subtype().startsWith("grpc")) {
                return AggregatedHttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
                        .contentType(MediaType.parse("application/grpc"))
                        .add("grpc-status", Integer.toString(Status.Code.RESOURCE_EXHAUSTED.value()))
                        .add("grpc-message", message).build());
            }
            HttpReply reply = HttpEndpoints.error(ErrorStatus.PAYLOAD_TOO_LARGE, message);
            return AggregatedHttpResponse.of(HttpStatus.valueOf(reply.status()), MediaType.parse(reply.contentType()),
                    reply.body());
        }

        @Override
        public @Nullable HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
            return Exceptions.peel(cause) instanceof ContentTooLargeException
                    ? tooLarge(ctx.request().headers()).toHttpResponse() : null;
        }

        @Override
        public @Nullable AggregatedHttpResponse onProtocolViolation(ServiceConfig config, @Nullable RequestHeaders headers,
                HttpStatus status, @Nullable String description, @Nullable Throwable cause) {
            return status == HttpStatus.REQUEST_ENTITY_TOO_LARGE ? tooLarge(headers) : null;
        }

        @Override
        public @Nullable AggregatedHttpResponse renderStatus(@Nullable ServiceRequestContext ctx, ServiceConfig config,
                @Nullable RequestHeaders headers, HttpStatus status, @Nullable String description,
                @Nullable Throwable cause) {
            return status == HttpStatus.REQUEST_ENTITY_TOO_LARGE ? tooLarge(headers) : null;
        }
    }

    /** The user id for sticky A/B and canary routing: the {@value #USER_HEADER} header, else the {@value #USER_COOKIE} cookie. */
    private static @Nullable String userId(AggregatedHttpRequest request) {
        String header = request.headers().get(USER_HEADER);
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        for (Cookie cookie : request.headers().cookies()) {
            if (cookie.name().equals(USER_COOKIE) && !cookie.value().isBlank()) {
                return cookie.value();
            }
        }
        return null;
    }

    private static HttpResponse reply(HttpReply reply) {
        ResponseHeadersBuilder headers = ResponseHeaders.builder(reply.status())
                .contentType(MediaType.parse(reply.contentType()));
        reply.headers().forEach(headers::add);
        return HttpResponse.of(headers.build(), HttpData.wrap(reply.body()));
    }

    /** @return the port it listens on */
    public int port() {
        return server.activeLocalPort();
    }

    /** @return the metrics registry */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** @return the scoring service */
    public ScoringInferenceService service() {
        return service;
    }

    /**
     * Reports not-ready at once, keeps answering for the drain period (load balancers see the readiness change and
     * stop sending), then stops accepting and lets in-flight requests finish (Armeria's graceful shutdown: a quiet
     * period of 1 s, at most 10 s), then releases the models.
     */
    @Override
    public void close() {
        service.ready(false);
        if (!drain.isZero()) {
            LOG.info("Not ready; answering for {} ms more before stopping", drain.toMillis());
            try {
                Thread.sleep(drain.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server.stop().join();
        if (scoring != null) {
            scoring.shutdown();
        }
        service.close();
        onClose.run();
    }

    /** @return a Prometheus registry with the default configuration */
    public static PrometheusMeterRegistry prometheus() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static HttpResponse explainReply(ExplainHandler.Response response) {
        ResponseHeadersBuilder headers = ResponseHeaders.builder(response.status()).contentType(MediaType.JSON_UTF_8);
        response.headers().forEach(headers::add);
        return HttpResponse.of(headers.build(), HttpData.ofUtf8(response.body()));
    }
}
