package dev.anomalyops.app.server;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.throttling.ThrottlingRejectHandler;
import com.linecorp.armeria.server.throttling.ThrottlingService;
import com.linecorp.armeria.server.throttling.ThrottlingStrategy;
import dev.anomalyops.triton.server.ErrorStatus;
import dev.anomalyops.triton.server.HttpEndpoints;
import dev.anomalyops.triton.server.HttpReply;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Load shedding for inference: at most {@code limit} inference requests are in flight (queued for a scoring thread
 * or being scored); one more is answered at once, HTTP 429 with the protocol's {@code {"error": ...}} object and
 * {@code Retry-After: 1}, or over gRPC a trailers-only {@code RESOURCE_EXHAUSTED}. Shedding early keeps the latency
 * of admitted requests bounded (about {@code limit} requests' worth of queueing) instead of letting every request
 * wait until it times out. Only inference is counted and shed: health, metadata and metrics stay answerable under
 * overload, so an orchestrator still sees a live, ready server.
 *
 * <p>Built on Armeria's {@link ThrottlingService} with a concurrency strategy: a permit is taken when the request
 * arrives and given back when its response has been sent (or the request failed or was cancelled). Metrics:
 * {@code anomalyops_inference_shed_total{protocol}} and the gauge {@code anomalyops_inference_in_flight}.
 */
final class Admission {
    private static final String HTTP_INFER_SUFFIX = "/infer";
    private static final String GRPC_INFER_SUFFIX = "/ModelInfer";

    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter shedHttp;
    private final Counter shedGrpc;

    /**
     * @param limit most inference requests in flight, at least 1
     * @param registry where the shed counter and the in-flight gauge go
     */
    Admission(int limit, MeterRegistry registry) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
        }
        this.limit = limit;
        this.shedHttp = shed(registry, "http");
        this.shedGrpc = shed(registry, "grpc");
        Gauge.builder("anomalyops_inference_in_flight", inFlight, AtomicInteger::get)
                .description("Inference requests admitted and not yet answered").register(registry);
    }

    private static Counter shed(MeterRegistry registry, String protocol) {
        return Counter.builder("anomalyops_inference_shed").description("Inference requests refused at the"
                + " concurrency limit (HTTP 429, gRPC RESOURCE_EXHAUSTED)").tag("protocol", protocol).register(registry);
    }

    /** @return the decorator for the HTTP {@code /v2} routes and the gRPC service */
    Function<? super HttpService, ThrottlingService> decorator() {
        return ThrottlingService.builder(ThrottlingStrategy.of(this::accept, "anomalyops-concurrency"))
                .onRejectedRequest(reject()).newDecorator();
    }

    /** @return inference requests in flight now */
    int inFlight() {
        return inFlight.get();
    }

    /** @return the limit */
    int limit() {
        return limit;
    }

    /**
     * Admits one message of a {@code ModelStreamInfer} stream against the same limit (a stream is one long request
     * to Armeria, so its messages are counted here, one by one). Release it with {@link #release()} once answered.
     *
     * @return whether the message may be scored; false counts it as shed
     */
    boolean admitStreamMessage() {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            shedGrpc.increment();
            return false;
        }
        return true;
    }

    /** Gives back the permit of an admitted stream message. */
    void release() {
        inFlight.decrementAndGet();
    }

    /** @return the sentence that tells a shed caller why */
    String overloadedMessage() {
        return "The server is at its limit of " + limit + " inference requests in flight; retry shortly";
    }

    private CompletionStage<Boolean> accept(ServiceRequestContext ctx, HttpRequest request) {
        String path = ctx.path();
        if (!path.endsWith(HTTP_INFER_SUFFIX) && !path.endsWith(GRPC_INFER_SUFFIX)) {
            return CompletableFuture.completedFuture(true);
        }
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            return CompletableFuture.completedFuture(false);
        }
        // The log completes once the response is fully sent, or the request failed or was aborted: the permit is
        // released exactly once in every case.
        ctx.log().whenComplete().thenRun(inFlight::decrementAndGet);
        return CompletableFuture.completedFuture(true);
    }

    private ThrottlingRejectHandler<HttpRequest, com.linecorp.armeria.common.HttpResponse> reject() {
        return (delegate, ctx, request, cause) -> {
            String message = overloadedMessage();
            MediaType type = request.contentType();
            if (type != null && type.subtype().startsWith("grpc")) {
                shedGrpc.increment();
                // Trailers-only: one HEADERS frame ending the stream, as gRPC clients expect.
                return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
                        .contentType(MediaType.parse("application/grpc"))
                        .add("grpc-status", Integer.toString(Status.Code.RESOURCE_EXHAUSTED.value()))
                        .add("grpc-message", message).endOfStream(true).build());
            }
            shedHttp.increment();
            HttpReply reply = HttpEndpoints.error(ErrorStatus.OVERLOADED, message);
            return HttpResponse.of(ResponseHeaders.builder(reply.status())
                    .contentType(MediaType.parse(reply.contentType())).add("retry-after", "1").build(),
                    HttpData.wrap(reply.body()));
        };
    }
}
