package dev.anomalyops.app.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.anomalyops.app.ServingEndpoints;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's gate, one decorator in front of every service: sorts each request by its path into open, admin,
 * webhook or inference, rate-limits admin and webhook calls per client IP, and checks bearer tokens. It decides on
 * {@code ctx.path()}, the normalised path the services themselves route on, so no spelling of a path reaches a service
 * around it. Refusals speak the caller's protocol: the v2 {@code {"error": ...}} object with 401/403/429, or for gRPC a
 * trailers-only answer with {@code UNAUTHENTICATED}, {@code PERMISSION_DENIED} or {@code RESOURCE_EXHAUSTED}. They are
 * counted in {@code anomalyops_auth_refused_total{endpoint, reason}} and logged with the client address and the reason,
 * never with what the caller presented.
 */
final class Guards implements DecoratingHttpServiceFunction {
    private static final Logger LOG = LoggerFactory.getLogger(Guards.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GRPC_SERVICE = "/inference.GRPCInferenceService/";
    private static final Set<String> GRPC_ADMIN = Set.of("RepositoryIndex", "RepositoryModelLoad", "RepositoryModelUnload");
    private static final Set<String> GRPC_OPEN = Set.of("ServerLive", "ServerReady");

    /** What a path belongs to. */
    enum Kind {
        /** Health and metrics: always open. */
        OPEN,
        /** Admin API and model control: admin token, rate-limited. */
        ADMIN,
        /** The Alertmanager webhook: rate-limited; the webhook authenticates (token or HMAC). */
        WEBHOOK,
        /** Inference, metadata, feedback, explanations: an inference or admin token when configured. */
        INFERENCE
    }

    private final TokenFile admin;
    private final @Nullable TokenFile inference;
    private final ClientRateLimiter limiter;
    private final MeterRegistry meters;

    /**
     * @param admin admin tokens (none: the admin API answers 403)
     * @param inference inference tokens; null: inference is open
     * @param limiter the admin and webhook rate limit
     * @param meters where refusals are counted
     */
    Guards(TokenFile admin, @Nullable TokenFile inference, ClientRateLimiter limiter, MeterRegistry meters) {
        this.admin = admin;
        this.inference = inference;
        this.limiter = limiter;
        this.meters = meters;
    }

    /**
     * @param path a request's normalised path
     * @return what it belongs to
     */
    static Kind classify(String path) {
        if (path.equals(ServingEndpoints.ALERTMANAGER_PATH)) {
            return Kind.WEBHOOK;
        }
        if (path.equals("/admin") || path.startsWith("/admin/") || path.equals("/v2/repository")
                || path.startsWith("/v2/repository/")) {
            return Kind.ADMIN;
        }
        if (path.equals(ServingEndpoints.METRICS_PATH) || path.equals(ServingEndpoints.LIVE_PATH)
                || path.equals(ServingEndpoints.READY_PATH)) {
            return Kind.OPEN;
        }
        if (path.startsWith(GRPC_SERVICE)) {
            String method = path.substring(GRPC_SERVICE.length());
            if (GRPC_ADMIN.contains(method)) {
                return Kind.ADMIN;
            }
            if (GRPC_OPEN.contains(method)) {
                return Kind.OPEN;
            }
        }
        return Kind.INFERENCE;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        Kind kind = classify(ctx.path());
        switch (kind) {
            case OPEN:
                return delegate.serve(ctx, req);
            case WEBHOOK:
            case ADMIN:
                if (!limiter.tryAcquire(client(ctx))) {
                    return refuse(ctx, req, kind, "rate_limited", HttpStatus.TOO_MANY_REQUESTS,
                            "Too many admin requests from this client; retry later");
                }
                if (kind == Kind.WEBHOOK) {
                    return delegate.serve(ctx, req);
                }
                if (!admin.enabled()) {
                    return refuse(ctx, req, kind, "disabled", HttpStatus.FORBIDDEN,
                            "The admin API is disabled: start the server with admin tokens (--admin-token-file)");
                }
                return check(admin, null, delegate, ctx, req, kind, "The admin API needs \"Authorization: Bearer"
                        + " <admin token>\"");
            case INFERENCE:
            default:
                if (inference == null) {
                    return delegate.serve(ctx, req);
                }
                return check(inference, admin, delegate, ctx, req, kind, "Inference needs \"Authorization: Bearer"
                        + " <token>\" (gRPC metadata \"authorization\")");
        }
    }

    private HttpResponse check(TokenFile tokens, @Nullable TokenFile alsoAccepted, HttpService delegate,
            ServiceRequestContext ctx, HttpRequest req, Kind kind, String message) throws Exception {
        String header = req.headers().get("authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refuse(ctx, req, kind, "missing_token", HttpStatus.UNAUTHORIZED, message);
        }
        String token = header.substring(7).trim();
        if (tokens.accepts(token) || (alsoAccepted != null && alsoAccepted.enabled() && alsoAccepted.accepts(token))) {
            return delegate.serve(ctx, req);
        }
        return refuse(ctx, req, kind, "invalid_token", HttpStatus.UNAUTHORIZED, message);
    }

    private HttpResponse refuse(ServiceRequestContext ctx, HttpRequest req, Kind kind, String reason, HttpStatus status,
            String message) {
        String endpoint = kind.name().toLowerCase(Locale.ROOT);
        Counter.builder("anomalyops.auth.refused").description("Requests refused by authentication or rate limiting")
                .tag("endpoint", endpoint).tag("reason", reason).register(meters).increment();
        LOG.info("Refused {} {} from {}: {}", req.method(), ctx.path(), client(ctx), reason);
        MediaType type = req.headers().contentType();
        if (type != null && type.subtype().startsWith("grpc")) {
            Status.Code code = status.equals(HttpStatus.UNAUTHORIZED) ? Status.Code.UNAUTHENTICATED
                    : status.equals(HttpStatus.FORBIDDEN) ? Status.Code.PERMISSION_DENIED : Status.Code.RESOURCE_EXHAUSTED;
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.parse("application/grpc"))
                    .add("grpc-status", Integer.toString(code.value())).add("grpc-message", message)
                    // Trailers-only: one HEADERS frame that ends the stream, or gRPC clients see INTERNAL.
                    .endOfStream(true).build());
        }
        ResponseHeadersBuilder headers = ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8);
        if (status.equals(HttpStatus.UNAUTHORIZED)) {
            headers.add("www-authenticate", "Bearer realm=\"anomalyops\"");
        } else if (status.equals(HttpStatus.TOO_MANY_REQUESTS)) {
            headers.add("retry-after", "1");
        }
        return HttpResponse.of(headers.build(), HttpData.ofUtf8(JSON.createObjectNode().put("error", message).toString()));
    }

    private static String client(ServiceRequestContext ctx) {
        // The socket's peer, not X-Forwarded-For, which any client can write.
        InetSocketAddress remote = ctx.remoteAddress();
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /**
     * Opens the port: plaintext, TLS, or mutual TLS (a client without a certificate signed by the client CA fails the
     * handshake). A TLS port speaks only TLS: plaintext requests are refused.
     *
     * @param builder the server being built
     * @param port port, 0 for any free one
     * @param tls TLS settings; null for plaintext
     */
    static void listen(ServerBuilder builder, int port, ServerSecurity.@Nullable Tls tls) {
        if (tls == null) {
            builder.http(port);
            return;
        }
        builder.https(port).tls(tls.certificateChain().toFile(), tls.privateKey().toFile());
        if (tls.clientCa() != null) {
            File ca = tls.clientCa().toFile();
            builder.tlsCustomizer(ssl -> ssl.trustManager(ca).clientAuth(ClientAuth.REQUIRE));
        }
    }
}
