package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of the server's gate on their own: token files, the rate limiter, path classes, settings. */
class SecurityPartsTest {
    static final String A = "token-a-0123456789abcdef";
    static final String B = "token-b-0123456789abcdef";
    static final String C = "token-c-0123456789abcdef";

    @TempDir
    Path temp;

    final AtomicLong nanos = new AtomicLong();

    @Test
    void aTokenFileAcceptsEachListedTokenAndFollowsRotation() throws Exception {
        Path file = Files.writeString(temp.resolve("tokens"), "# comment\n" + A + "\n  " + B + "  \n\n");
        TokenFile tokens = new TokenFile("admin", file, List.of(), nanos::get);
        assertThat(tokens.count()).isEqualTo(2);
        assertThat(tokens.accepts(A)).isTrue();
        assertThat(tokens.accepts(B)).isTrue();
        assertThat(tokens.accepts(C)).isFalse();
        assertThat(tokens.accepts(A.substring(0, A.length() - 1))).isFalse();
        assertThat(tokens.accepts("")).isFalse();

        Files.writeString(file, C + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(tokens.accepts(A)).as("checked at most once a second").isTrue();
        nanos.addAndGet(1_100_000_000L);
        assertThat(tokens.accepts(A)).isFalse();
        assertThat(tokens.accepts(C)).isTrue();

        // A broken rotation keeps the tokens that worked.
        Files.writeString(file, "short\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        nanos.addAndGet(1_100_000_000L);
        assertThat(tokens.accepts(C)).isTrue();
        Files.delete(file);
        nanos.addAndGet(1_100_000_000L);
        assertThat(tokens.accepts(C)).isTrue();
        assertThat(tokens.toString()).doesNotContain(C);
    }

    @Test
    void fixedTokensAreAcceptedBesideTheFileAndBadFilesAreRefusedAtStart() throws Exception {
        Path file = Files.writeString(temp.resolve("tokens"), A + "\n");
        TokenFile tokens = new TokenFile("admin", file, List.of(B), nanos::get);
        assertThat(tokens.accepts(A)).isTrue();
        assertThat(tokens.accepts(B)).isTrue();
        assertThat(new TokenFile("admin", null, List.of(), nanos::get).enabled()).isFalse();

        Path bad = Files.writeString(temp.resolve("bad"), "short\n" + A + " with spaces\n");
        assertThatThrownBy(() -> new TokenFile("admin", bad, List.of(), nanos::get))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("line 1").hasMessageContaining("at least 16")
                .hasMessageContaining("line 2").hasMessageContaining("spaces")
                .hasMessageNotContaining(A);
        Path empty = Files.writeString(temp.resolve("empty"), "# nothing yet\n");
        assertThatThrownBy(() -> new TokenFile("inference", empty, List.of(), nanos::get))
                .hasMessageContaining("holds no token");
        assertThatThrownBy(() -> new TokenFile("admin", temp.resolve("missing"), List.of(), nanos::get))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void theRateLimiterGivesEachClientABurstThenItsRate() {
        ClientRateLimiter limiter = new ClientRateLimiter(2, 3, 100, nanos::get);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
        }
        assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
        assertThat(limiter.tryAcquire("10.0.0.2")).as("clients have their own buckets").isTrue();
        nanos.addAndGet(500_000_000L); // half a second at 2/s: one more
        assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
        assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
    }

    @Test
    void idleClientsAreForgottenSoManyAddressesCannotGrowTheMap() {
        ClientRateLimiter limiter = new ClientRateLimiter(1000, 1, 50, nanos::get);
        for (int i = 0; i < 10_000; i++) {
            limiter.tryAcquire("10.0." + (i / 256) + "." + (i % 256));
            nanos.addAndGet(10_000_000L);
        }
        assertThat(limiter.clients()).isLessThanOrEqualTo(50);
    }

    @Test
    void pathsAreSortedBeforeAnyServiceSeesThem() {
        assertThat(Guards.classify("/v2/repository/models/m/load")).isEqualTo(Guards.Kind.ADMIN);
        assertThat(Guards.classify("/v2/repository/index")).isEqualTo(Guards.Kind.ADMIN);
        assertThat(Guards.classify("/admin/canary")).isEqualTo(Guards.Kind.ADMIN);
        assertThat(Guards.classify("/admin")).isEqualTo(Guards.Kind.ADMIN);
        assertThat(Guards.classify("/inference.GRPCInferenceService/RepositoryModelUnload")).isEqualTo(Guards.Kind.ADMIN);
        assertThat(Guards.classify("/admin/alertmanager")).isEqualTo(Guards.Kind.WEBHOOK);
        assertThat(Guards.classify("/metrics")).isEqualTo(Guards.Kind.OPEN);
        assertThat(Guards.classify("/v2/health/ready")).isEqualTo(Guards.Kind.OPEN);
        assertThat(Guards.classify("/inference.GRPCInferenceService/ServerLive")).isEqualTo(Guards.Kind.OPEN);
        assertThat(Guards.classify("/inference.GRPCInferenceService/ModelInfer")).isEqualTo(Guards.Kind.INFERENCE);
        assertThat(Guards.classify("/v2/models/m/infer")).isEqualTo(Guards.Kind.INFERENCE);
        assertThat(Guards.classify("/v2/health/ready/../../repository")).isEqualTo(Guards.Kind.INFERENCE);
        assertThat(Guards.classify("/feedback")).isEqualTo(Guards.Kind.INFERENCE);
        assertThat(Guards.classify("/v1/explain")).isEqualTo(Guards.Kind.INFERENCE);
        assertThat(Guards.classify("/administrator")).isEqualTo(Guards.Kind.INFERENCE);
    }

    @Test
    void settingsListEveryProblemAndPrintNoSecret() throws Exception {
        Path cert = Files.writeString(temp.resolve("cert.pem"), "x");
        assertThatThrownBy(() -> ServerSecurity.builder().adminTokenFile(temp.resolve("nope")).tls(cert, null)
                .clientCa(temp.resolve("ca.pem")).adminRateLimit(0, 0).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("admin token file").hasMessageContaining("both a certificate chain and a private key")
                .hasMessageContaining("client CA").hasMessageContaining("rate limit");
        ReferenceServer.Operations d = ReferenceServer.Operations.defaults();
        ReferenceServer.Operations withToken = new ReferenceServer.Operations(d.stateDir(), A, d.canaryPolicy(),
                d.evaluateEvery(), d.abTests(), d.driftWindow(), d.clock(), d.scorerHook());
        assertThat(withToken.toString()).doesNotContain(A).contains("<redacted>");
        assertThat(new ReferenceServer.Settings(0, List.of(), "champion", dev.anomalyops.core.scoring.ScorerOptions
                .defaults(), dev.anomalyops.triton.server.ScoringInferenceService.Batching.AUTO, java.time.Duration.ZERO,
                1, 1, withToken).toString()).doesNotContain(A);
    }
}
