package dev.anomalyops.app.server;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.ContentTooLargeException;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The reference v2 inference server on Armeria: REST ({@code /v2/...}) and gRPC
 * ({@code inference.GRPCInferenceService}) on one port, Prometheus text at {@code /metrics}. Armeria was chosen
 * over Vert.x for what the next issues build on it: graceful shutdown with a quiet period, request and connection
 * limits and decorators for throttling (load shedding with 429 / RESOURCE_EXHAUSTED), TLS and mTLS on the same
 * port, auth decorators, and Micrometer built in; its 2 s start-up does not matter for a long-running server.
 *
 * <p>Bodies over {@code maxRequestBytes} are refused before they are read whole: HTTP 413 with the protocol's
 * {@code {"error": ...}} object, gRPC {@code RESOURCE_EXHAUSTED}.
 */
public final class InferenceServer implements AutoCloseable {
    private static final MediaType JSON = MediaType.JSON_UTF_8;
    private final Server server;
    private final ScoringInferenceService service;
    private final PrometheusMeterRegistry registry;

    private InferenceServer(Server server, ScoringInferenceService service, PrometheusMeterRegistry registry) {
        this.server = server;
        this.service = service;
        this.registry = registry;
    }

    /**
     * @param service what answers
     * @param registry metrics registry (its scrape is {@code /metrics})
     * @param port port, 0 for any free one
     * @param maxRequestBytes largest request body or gRPC message
     * @param maxElements most elements one input tensor may declare
     * @return the started server
     */
    public static InferenceServer start(ScoringInferenceService service, PrometheusMeterRegistry registry, int port,
            long maxRequestBytes, long maxElements) {
        HttpEndpoints http = new HttpEndpoints(service, maxElements);
        GrpcEndpoints grpc = new GrpcEndpoints(service, maxElements);
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(GrpcEndpoints.SERVICE);
        for (String method : grpc.methods()) {
            MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(GrpcEndpoints.SERVICE, method))
                    .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
            definition.addMethod(descriptor, ServerCalls.asyncUnaryCall((request, observer) ->
                    grpc.handle(method, request).whenComplete((response, error) -> {
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
        ServerBuilder builder = Server.builder()
                .http(port)
                .maxRequestLength(maxRequestBytes)
                .meterRegistry(registry)
                .gracefulShutdownTimeout(Duration.ofSeconds(1), Duration.ofSeconds(10))
                .errorHandler((ctx, cause) -> {
                    if (cause instanceof ContentTooLargeException) {
                        return reply(HttpEndpoints.error(ErrorStatus.PAYLOAD_TOO_LARGE, "The request body is larger"
                                + " than the server's limit of " + maxRequestBytes + " bytes"));
                    }
                    return null;
                })
                .service(GrpcService.builder().addService(definition.build())
                        .maxRequestMessageLength((int) Math.min(Integer.MAX_VALUE, maxRequestBytes))
                        .maxResponseMessageLength(256 << 20).build())
                .service("/metrics", (ctx, req) -> HttpResponse.of(HttpStatus.OK,
                        MediaType.parse("text/plain; version=0.0.4; charset=utf-8"), registry.scrape()))
                .serviceUnder("/v2", (ctx, req) -> HttpResponse.of(req.aggregate().thenCompose(aggregated -> http
                        .handle(req.method().name(), ctx.path(), aggregated.headers().get("inference-header-content-length"),
                                aggregated.content().array()))
                        .thenApply(InferenceServer::reply)));
        Server server = builder.build();
        server.start().join();
        return new InferenceServer(server, service, registry);
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

    /** Reports not-ready, lets in-flight requests finish (Armeria's graceful shutdown), then stops. */
    @Override
    public void close() {
        service.ready(false);
        server.stop().join();
        service.close();
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

    static {
        // Keep the JSON media type referenced for readers: REST replies carry their own content type.
        assert JSON != null && HttpHeaderNames.CONTENT_TYPE != null && StandardCharsets.UTF_8 != null;
    }
}
