package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.app.cli.AnomalyOpsCli;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.testing.ChildJvm;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful shutdown (issue 14): {@code anomalyops serve} runs in a child JVM; 8 clients send 2,000-row requests in a
 * loop; the test sends SIGTERM ({@link Process#destroy()}) while requests are in flight. The serve command's shutdown
 * hook must report not-ready first while still answering inference (the drain, 3 s here), then let every in-flight
 * request finish: each request the clients sent gets HTTP 200 with all 2,000 rows (nothing cut mid-response). The
 * clients behave like a load balancer: they stop sending new requests shortly (300 ms) after readiness went false.
 */
class GracefulShutdownTest {
    private static final int ROWS = 2_000;

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sigtermDrainsAndFinishesInFlightRequests() throws Exception {
        ModelBundle bundle = OpsFixture.bundle(temp.resolve("v1"), "cpu", 11, false);
        try (FileModelRegistry registry = FileModelRegistry.open(temp.resolve("registry"))) {
            registry.register("cpu", bundle, Map.of());
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = temp.resolve("serve.log");
        Process child = ChildJvm.start(AnomalyOpsCli.class, log, "serve", "--registry",
                temp.resolve("registry").toString(), "--port", Integer.toString(port), "--state-dir",
                temp.resolve("state").toString(), "--shutdown-drain", "PT3S", "--alias-poll", "PT0S");
        try {
            OpsFixture.Http http = new OpsFixture.Http(port, "");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!ready(http)) {
                assertThat(child.isAlive()).as("serve is running; log: %s", read(log)).isTrue();
                assertThat(System.nanoTime()).as("serve became ready; log: %s", read(log)).isLessThan(deadline);
                Thread.sleep(200);
            }
            String body = OpsFixture.inferBody(OpsFixture.gaussian(ROWS, 0f, new SplittableRandom(1)), ROWS);
            AtomicLong notReadyAt = new AtomicLong();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger okAfterNotReady = new AtomicInteger();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                Thread client = new Thread(() -> {
                    OpsFixture.Http own = new OpsFixture.Http(port, "");
                    while (true) {
                        long seen = notReadyAt.get();
                        if (seen != 0 && System.nanoTime() - seen > TimeUnit.MILLISECONDS.toNanos(300)) {
                            return;
                        }
                        long startedAt = System.nanoTime();
                        try {
                            HttpResponse<String> response = own.send("POST", "/v2/models/cpu/infer", body);
                            JsonNode json = OpsFixture.JSON.readTree(response.body());
                            if (response.statusCode() != 200
                                    || json.path("outputs").path(1).path("data").size() != 2 * ROWS) {
                                failures.add("HTTP " + response.statusCode() + " with " + abbreviate(response.body()));
                            } else {
                                ok.incrementAndGet();
                                long notReady = notReadyAt.get();
                                if (notReady != 0 && startedAt > notReady) {
                                    okAfterNotReady.incrementAndGet();
                                }
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            // Load running (bounded wait: a busy machine starts slowly), then SIGTERM with requests in flight.
            long loaded = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ok.get() < 8 && failures.isEmpty() && System.nanoTime() < loaded) {
                Thread.sleep(20);
            }
            int beforeSigterm = ok.get();
            child.destroy();
            long sigtermAt = System.nanoTime();
            while (ready(http)) {
                assertThat(System.nanoTime() - sigtermAt).as("readiness went false").isLessThan(
                        TimeUnit.SECONDS.toNanos(20));
                Thread.sleep(10);
            }
            notReadyAt.set(System.nanoTime());
            for (Thread client : clients) {
                client.join(60_000);
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("serve exited after SIGTERM").isTrue();
            String output = read(log);
            System.out.printf("graceful shutdown: %d requests answered before SIGTERM, %d in all, %d started after"
                    + " readiness went false; %d failures%n", beforeSigterm, ok.get(), okAfterNotReady.get(),
                    failures.size());

            assertThat(failures).as("requests failed or cut; serve log: %s", output).isEmpty();
            assertThat(beforeSigterm).isPositive();
            assertThat(ok.get()).isGreaterThan(beforeSigterm);
            // Readiness went false while inference was still answered: a load balancer has time to stop sending.
            assertThat(okAfterNotReady.get()).as("requests answered after readiness went false").isPositive();
            assertThat(output).contains("Not ready; answering for 3000 ms more before stopping");
        } finally {
            child.destroyForcibly();
        }
    }

    private static boolean ready(OpsFixture.Http http) {
        try {
            return http.send("GET", "/v2/health/ready", null).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static String read(Path log) throws java.io.IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
