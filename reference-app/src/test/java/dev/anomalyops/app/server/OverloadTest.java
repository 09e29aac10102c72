package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.app.load.LoadGenerator;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.client.RetryPolicy;
import dev.anomalyops.triton.client.TritonClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload (issue 14): the server's capacity is measured in this run (closed loop), then an open-loop load of three
 * times that rate is offered. The server must shed what it cannot take at once (HTTP 429 with the v2 error object,
 * gRPC {@code RESOURCE_EXHAUSTED}) instead of letting requests time out, keep the latency of admitted requests
 * bounded by its in-flight limit, stay ready (health is never shed), and recover fully once the load drops.
 * Server and load generator share this JVM and loopback; figures are printed for docs/reliability.md.
 */
class OverloadTest {
    private static final int ROWS = 32;
    /** Target queueing delay of admitted requests: the in-flight limit is this much of the measured capacity. */
    private static final double QUEUE_SECONDS = 0.2;
    /** The load generator's request time-out; a request still unanswered then counts as a time-out. */
    private static final long REQUEST_TIMEOUT_MS = 10_000;

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shedsExcessLoadQuicklyAndRecovers() throws Exception {
        // Capacity first, on a server with the default limit (8 clients stay far below it).
        double rate;
        LoadGenerator.Result capacity;
        try (LoadFixture fixture = new LoadFixture(temp.resolve("capacity"), ReferenceServer.Resilience.defaults());
                LoadGenerator load = new LoadGenerator(fixture.uri(), "cpu", LoadFixture.bodies(ROWS),
                        Duration.ofMillis(REQUEST_TIMEOUT_MS))) {
            load.closedLoop(8, Duration.ofSeconds(4));
            capacity = load.closedLoop(8, Duration.ofSeconds(3));
            rate = capacity.okPerSecond();
            assertThat(capacity.total().errors()).isZero();
            assertThat(capacity.total().ok()).isPositive();
        }
        int limit = (int) Math.max(2, Math.ceil(rate * QUEUE_SECONDS));
        ReferenceServer.Resilience resilience = new ReferenceServer.Resilience(limit, 2, Duration.ZERO, Duration.ZERO);
        try (LoadFixture fixture = new LoadFixture(temp.resolve("overload"), resilience);
                LoadGenerator load = new LoadGenerator(fixture.uri(), "cpu", LoadFixture.bodies(ROWS),
                        Duration.ofMillis(REQUEST_TIMEOUT_MS));
                TritonClient grpc = TritonClient.builder(URI.create("grpc://127.0.0.1:" + fixture.server.port()))
                        .retry(RetryPolicy.none()).deadline(Duration.ofMillis(REQUEST_TIMEOUT_MS)).build()) {
            OpsFixture.Http http = new OpsFixture.Http(fixture.server.port(), "");
            load.closedLoop(4, Duration.ofSeconds(2));

            // 3x capacity for 6 s, with gRPC calls and readiness probes on the side.
            AtomicInteger grpcExhausted = new AtomicInteger();
            AtomicInteger grpcOk = new AtomicInteger();
            List<String> grpcOther = new ArrayList<>();
            AtomicInteger readyOk = new AtomicInteger();
            AtomicInteger probes = new AtomicInteger();
            Thread side = new Thread(() -> {
                InferRequest request = grpcRequest();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                try {
                    Thread.sleep(500);
                    while (System.nanoTime() < end) {
                        List<CompletableFuture<?>> calls = new ArrayList<>();
                        for (int i = 0; i < 20; i++) {
                            calls.add(grpc.inferAsync(request).handle((r, e) -> {
                                if (e == null) {
                                    grpcOk.incrementAndGet();
                                } else if (code(e) == Status.Code.RESOURCE_EXHAUSTED) {
                                    grpcExhausted.incrementAndGet();
                                } else {
                                    synchronized (grpcOther) {
                                        grpcOther.add(e.toString());
                                    }
                                }
                                return null;
                            }));
                        }
                        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
                        probes.incrementAndGet();
                        if (http.send("GET", "/v2/health/ready", null).statusCode() == 200) {
                            readyOk.incrementAndGet();
                        }
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    synchronized (grpcOther) {
                        grpcOther.add("side thread: " + e);
                    }
                }
            });
            side.start();
            LoadGenerator.Result overload = load.openLoop(3 * rate, Duration.ofSeconds(6), Duration.ofSeconds(6));
            side.join();
            Thread.sleep(200);
            String metrics = http.metrics();

            // Then back to half the capacity: everything admitted, latency back to normal.
            LoadGenerator.Result recovery = load.openLoop(0.5 * rate, Duration.ofSeconds(4), Duration.ofSeconds(4));

            LoadGenerator.Window o = overload.total();
            LoadGenerator.Window r = recovery.total();
            System.out.printf(Locale.ROOT, "overload: capacity %.0f req/s (%d rows each, p99 %.1f ms at 8 clients);"
                    + " in-flight limit %d; offered %.0f req/s: %d sent, %d ok (%.0f/s), %d shed, %d timeouts,"
                    + " %d errors; ok p50 %.1f ms, p99 %.1f ms (from send %.1f ms), max %.1f ms;"
                    + " shed p99 %.1f ms (from send); gRPC %d ok, %d RESOURCE_EXHAUSTED; ready %d/%d;"
                    + " recovery at %.0f req/s: %d ok, %d shed, %d errors, p99 %.1f ms%n",
                    rate, ROWS, capacity.total().p99Ms(), limit, 3 * rate, o.sent(), o.ok(), overload.okPerSecond(), o.shed(),
                    o.timeouts(), o.errors(), o.p50Ms(), o.p99Ms(), o.sendP99Ms(), o.maxMs(), o.shedP99Ms(), grpcOk.get(),
                    grpcExhausted.get(), readyOk.get(), probes.get(), 0.5 * rate, r.ok(), r.shed(), r.errors(), r.p99Ms());

            assertThat(overload.errorSamples()).isEmpty();
            assertThat(grpcOther).isEmpty();
            assertThat(o.errors()).isZero();
            assertThat(o.timeouts()).as("requests timed out instead of being shed").isZero();
            assertThat(o.shed()).as("requests shed at 3x capacity").isGreaterThan(o.sent() / 10);
            assertThat(o.ok()).as("requests admitted at 3x capacity").isPositive();
            // Shedding answers well before the 10 s time-out, counted from when each request was sent (the load
            // generator's own lag is not the server's). Only that bound is asserted: on the shared 2-core CI machine
            // the client and the server compete for the same cores, and shed p99 was 1.7 s in the documented run and
            // 3.7 s in one CI run (docs/reliability.md). Without the in-flight limit the
            // backlog of a 3x overload (2x capacity for 6 s) would queue requests past the time-out, which the
            // zero-time-out assertion above catches.
            assertThat(o.shedP99Ms()).isLessThan(REQUEST_TIMEOUT_MS);
            assertThat(o.sendP99Ms()).isLessThan(REQUEST_TIMEOUT_MS);
            assertThat(grpcExhausted.get()).as("gRPC calls refused with RESOURCE_EXHAUSTED").isPositive();
            assertThat(readyOk.get()).as("readiness answered 200 under overload").isEqualTo(probes.get());
            assertThat(probes.get()).isPositive();
            assertThat(metrics).contains("anomalyops_inference_shed_total{protocol=\"http\"}")
                    .contains("anomalyops_inference_shed_total{protocol=\"grpc\"}");
            assertThat(shedCount(metrics, "http")).isEqualTo(o.shed());

            assertThat(recovery.errorSamples()).isEmpty();
            assertThat(r.errors() + r.timeouts() + r.shed()).isZero();
            assertThat(r.ok()).isEqualTo(r.sent());
            assertThat(r.p99Ms()).isLessThan(Math.max(1_000, 10 * capacity.total().p99Ms()));
            assertThat(fixture.server.registry().get("anomalyops_inference_in_flight").gauge().value()).isZero();
        }
    }

    private static double shedCount(String metrics, String protocol) {
        String prefix = "anomalyops_inference_shed_total{protocol=\"" + protocol + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(
                l.substring(prefix.length()).trim())).findFirst().orElse(-1);
    }

    private static Status.Code code(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException s) {
                return s.getStatus().getCode();
            }
        }
        return Status.Code.UNKNOWN;
    }

    private static InferRequest grpcRequest() {
        float[] values = OpsFixture.gaussian(ROWS, 0f, new SplittableRandom(3));
        return InferRequest.builder("cpu").input(Tensor.fp32("input", new long[] {ROWS, 6}, values)).build();
    }
}
