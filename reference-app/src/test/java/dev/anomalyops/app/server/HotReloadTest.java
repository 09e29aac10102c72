package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.client.RetryPolicy;
import dev.anomalyops.triton.client.TritonClient;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot model reload under load (issue 14): 64 closed-loop clients (32 over HTTP/JSON, 32 over gRPC) send 4-row requests
 * while the registry alias {@code champion} moves from version 1 to version 2 (a promotion); the server's alias poll
 * picks the move up and swaps the model in. No request may fail, every response must name the version that answered,
 * and all four rows of a response must carry exactly that version's probabilities (computed here with the two
 * versions' own scorers; the two models differ), i.e. no response mixes versions. Both versions must have answered,
 * and once the swap is done only version 2 answers.
 */
class HotReloadTest {
    private static final int ROWS = 4;

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void promotionUnderLoadFailsNothingAndNeverMixesVersions() throws Exception {
        long begin = System.nanoTime();
        ModelBundle one = OpsFixture.bundle(temp.resolve("v1"), "cpu", 11, false);
        ModelBundle two = OpsFixture.bundle(temp.resolve("v2"), "cpu", 12, false);
        List<InferRequest> requests = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 32; i++) {
            requests.add(InferRequest.builder("cpu").id("r" + i).input(Tensor.fp32("input", new long[] {ROWS, 6},
                    OpsFixture.gaussian(ROWS, 0f, random))).build());
        }
        try (FileModelRegistry registry = FileModelRegistry.open(temp.resolve("registry"));
                Scorer first = Scorers.open(one, ScorerOptions.defaults());
                Scorer second = Scorers.open(two, ScorerOptions.defaults())) {
            registry.register("cpu", one, Map.of());
            registry.register("cpu", two, Map.of());
            registry.setAlias("cpu", "champion", 1);
            Map<String, double[][]> expected = Map.of("1", expect(first, requests), "2", expect(second, requests));
            assertThat(expected.get("1")[0]).isNotEqualTo(expected.get("2")[0]);
            InferenceServer server = ReferenceServer.start(registry, new ReferenceServer.Settings(0, List.of(),
                    "champion", ScorerOptions.defaults(), ScoringInferenceService.Batching.AUTO, Duration.ZERO, 1 << 20,
                    1024, LoadFixture.operations(temp), new ReferenceServer.Resilience(256, 2, Duration.ZERO,
                            Duration.ofMillis(100))));
            try (TritonClient http = client("http", server.port()); TritonClient grpc = client("grpc", server.port())) {
                AtomicBoolean running = new AtomicBoolean(true);
                Map<String, AtomicLong> answered = new ConcurrentHashMap<>();
                AtomicLong latestFirstAfterSecond = new AtomicLong();
                AtomicLong secondSeenAt = new AtomicLong();
                List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
                CountDownLatch done = new CountDownLatch(64);
                for (int c = 0; c < 64; c++) {
                    TritonClient client = c % 2 == 0 ? http : grpc;
                    String protocol = c % 2 == 0 ? "http" : "grpc";
                    loop(client, protocol, requests, c, running, expected, answered, secondSeenAt,
                            latestFirstAfterSecond, problems, done);
                }
                System.out.printf("hot reload: clients started %.1f s after the test began%n", (System.nanoTime() - begin) / 1e9);
                // Version 1 answers both protocols first (bounded wait: a busy machine starts slowly).
                long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while ((count(answered, "http:1") < 20 || count(answered, "grpc:1") < 20) && problems.isEmpty()
                        && System.nanoTime() < warm) {
                    Thread.sleep(20);
                }
                long before = total(answered);
                registry.setAlias("cpu", "champion", 2);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (count(answered, "2") < 200 && System.nanoTime() < deadline && problems.isEmpty()) {
                    Thread.sleep(20);
                }
                long secondsAfterSwitch = System.nanoTime();
                Thread.sleep(1_000);
                running.set(false);
                assertThat(done.await(90, TimeUnit.SECONDS)).isTrue();
                System.out.printf("hot reload: %d responses before the alias move, %s in all; 64 clients%n", before,
                        answered);

                assertThat(problems).isEmpty();
                assertThat(before).isPositive();
                for (String protocol : List.of("http", "grpc")) {
                    assertThat(count(answered, protocol + ":1")).as(protocol + " answers by version 1").isPositive();
                    assertThat(count(answered, protocol + ":2")).as(protocol + " answers by version 2").isPositive();
                }
                // Once the swap was done (200 answers by version 2), version 1 no longer answered new requests.
                assertThat(latestFirstAfterSecond.get()).isLessThan(secondsAfterSwitch);
            } finally {
                server.close();
            }
        }
    }

    private static void loop(TritonClient client, String protocol, List<InferRequest> requests, int sequence,
            AtomicBoolean running, Map<String, double[][]> expected, Map<String, AtomicLong> answered,
            AtomicLong secondSeenAt, AtomicLong latestFirstAfterSecond, List<String> problems, CountDownLatch done) {
        if (!running.get() || !problems.isEmpty()) {
            done.countDown();
            return;
        }
        int index = sequence % requests.size();
        long sentAt = System.nanoTime();
        client.inferAsync(requests.get(index)).whenComplete((InferResponse response, Throwable failure) -> {
            if (failure != null) {
                problems.add(protocol + " request failed: " + failure);
            } else {
                String problem = check(response, expected, index);
                if (problem != null) {
                    problems.add(protocol + ": " + problem);
                } else {
                    answered.computeIfAbsent(protocol + ":" + response.version(), k -> new AtomicLong()).incrementAndGet();
                    answered.computeIfAbsent(response.version(), k -> new AtomicLong()).incrementAndGet();
                    if (response.version().equals("2")) {
                        secondSeenAt.compareAndSet(0, System.nanoTime());
                    } else {
                        latestFirstAfterSecond.accumulateAndGet(sentAt, Math::max);
                    }
                }
            }
            loop(client, protocol, requests, sequence + 64, running, expected, answered, secondSeenAt,
                    latestFirstAfterSecond, problems, done);
        });
    }

    /** @return null when all rows carry the probabilities of the version the response names */
    private static String check(InferResponse response, Map<String, double[][]> expected, int index) {
        double[][] byVersion = expected.get(response.version());
        if (byVersion == null) {
            return "response names version \"" + response.version() + "\", which was never registered";
        }
        float[] p = response.output("probabilities").floats();
        if (p.length != 2 * ROWS) {
            return "expected " + 2 * ROWS + " probabilities but got " + p.length;
        }
        for (int r = 0; r < ROWS; r++) {
            if (Math.abs(p[2 * r + 1] - byVersion[index][r]) > 1e-5) {
                return "row " + r + " of request " + index + " has " + p[2 * r + 1] + " but version "
                        + response.version() + " gives " + byVersion[index][r];
            }
        }
        return null;
    }

    private static double[][] expect(Scorer scorer, List<InferRequest> requests) {
        double[][] out = new double[requests.size()][ROWS];
        for (int i = 0; i < requests.size(); i++) {
            scorer.score(FeatureBatch.wrap(scorer.model().schema(), requests.get(i).inputs().get(0).floats(), ROWS),
                    out[i]);
        }
        return out;
    }

    private static long count(Map<String, AtomicLong> answered, String key) {
        AtomicLong n = answered.get(key);
        return n == null ? 0 : n.get();
    }

    private static long total(Map<String, AtomicLong> answered) {
        return count(answered, "1") + count(answered, "2");
    }

    private static TritonClient client(String scheme, int port) {
        return TritonClient.builder(URI.create(scheme + "://127.0.0.1:" + port)).retry(RetryPolicy.none())
                .deadline(Duration.ofSeconds(60)).build();
    }
}
