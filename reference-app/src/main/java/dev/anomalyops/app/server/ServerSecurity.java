package dev.anomalyops.app.server;

import dev.anomalyops.core.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who may call the reference server, and over what. Holds file paths only, never a secret itself, so that printing
 * or logging the settings cannot leak one: tokens, the webhook secret and the TLS key stay in their files (Kubernetes
 * secrets mounted read-only).
 *
 * <ul>
 *   <li>Admin API ({@code /admin/*}, the v2 repository API {@code /v2/repository/...} and its gRPC methods): off
 *       unless admin tokens are configured ({@link Builder#adminTokenFile(Path)} or the Operations' token), then
 *       {@code Authorization: Bearer <token>}; rate-limited per client IP ({@code 429} / {@code RESOURCE_EXHAUSTED}).
 *   <li>The Alertmanager webhook: an admin bearer token, or, with {@link Builder#webhookSecretFile(Path)}, an
 *       HMAC-SHA256 signature ({@code X-Hub-Signature-256} or the timestamped {@code X-AnomalyOps-Signature}).
 *   <li>Inference ({@code /v2/...}, gRPC, {@code /feedback}, {@code /v1/explain}): open unless
 *       {@link Builder#inferenceTokenFile(Path)} is set; admin tokens are accepted too. Health endpoints and
 *       {@code /metrics} stay open for probes and Prometheus.
 *   <li>TLS on the one port (HTTP/1.1, HTTP/2 and gRPC), mutual TLS when a client CA is set; plaintext is refused.
 * </ul>
 *
 * @param adminTokenFile admin bearer tokens, one per line; null: only the Operations' token, if any
 * @param inferenceTokenFile inference bearer tokens, one per line; null: inference is open
 * @param webhookSecretFile the Alertmanager webhook's HMAC-SHA256 secret (the file's bytes, trailing newline
 *     stripped); null: the webhook takes an admin bearer token
 * @param webhookRequireTimestamp refuse webhook signatures without a timestamp (no replay after 5 minutes)
 * @param adminRequestsPerSecond sustained admin requests per second per client
 * @param adminBurst admin requests a client may send at once
 * @param tls TLS settings; null serves plaintext
 */
public record ServerSecurity(@Nullable Path adminTokenFile, @Nullable Path inferenceTokenFile,
        @Nullable Path webhookSecretFile, boolean webhookRequireTimestamp, double adminRequestsPerSecond,
        int adminBurst, @Nullable Tls tls) {

    /** Validates values; {@link Builder#build()} also checks that the files exist. */
    public ServerSecurity {
        if (!(adminRequestsPerSecond > 0) || adminBurst < 1) {
            throw new ConfigurationException("The admin rate limit must be positive but was " + adminRequestsPerSecond
                    + "/s with a burst of " + adminBurst);
        }
    }

    /** @return plaintext, no token files, 5 admin requests per second per client with bursts of 20 */
    public static ServerSecurity none() {
        return builder().build();
    }

    /** @return a builder starting from {@link #none()} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * TLS of the server's port.
     *
     * @param certificateChain PEM certificate chain, leaf first
     * @param privateKey its unencrypted PKCS#8 PEM key
     * @param clientCa PEM CA certificates that sign client certificates; set: mutual TLS, every client must present a
     *     certificate signed by one of them; null: no client certificates
     */
    public record Tls(Path certificateChain, Path privateKey, @Nullable Path clientCa) {
        /** Checks nulls. */
        public Tls {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }

        /** @return whether clients must present a certificate */
        public boolean mutual() {
            return clientCa != null;
        }
    }

    /** Builds {@link ServerSecurity}; {@link #build()} lists every problem at once. */
    public static final class Builder {
        private @Nullable Path adminTokenFile;
        private @Nullable Path inferenceTokenFile;
        private @Nullable Path webhookSecretFile;
        private boolean webhookRequireTimestamp;
        private double adminRequestsPerSecond = 5;
        private int adminBurst = 20;
        private @Nullable Path certificateChain;
        private @Nullable Path privateKey;
        private @Nullable Path clientCa;

        private Builder() {}

        /**
         * @param file admin bearer tokens, one per line (16 characters or more each); re-read when it changes
         * @return this builder
         */
        public Builder adminTokenFile(@Nullable Path file) {
            this.adminTokenFile = file;
            return this;
        }

        /**
         * @param file inference bearer tokens, one per line; set: every inference call needs one
         * @return this builder
         */
        public Builder inferenceTokenFile(@Nullable Path file) {
            this.inferenceTokenFile = file;
            return this;
        }

        /**
         * @param file the shared HMAC-SHA256 secret of the Alertmanager webhook (16 bytes or more)
         * @return this builder
         */
        public Builder webhookSecretFile(@Nullable Path file) {
            this.webhookSecretFile = file;
            return this;
        }

        /**
         * @param required refuse {@code X-Hub-Signature-256} (no timestamp) and take only timestamped signatures
         * @return this builder
         */
        public Builder webhookRequireTimestamp(boolean required) {
            this.webhookRequireTimestamp = required;
            return this;
        }

        /**
         * @param perSecond sustained admin requests per second per client IP
         * @param burst requests a client may send at once
         * @return this builder
         */
        public Builder adminRateLimit(double perSecond, int burst) {
            this.adminRequestsPerSecond = perSecond;
            this.adminBurst = burst;
            return this;
        }

        /**
         * @param certificateChain PEM certificate chain of the server, leaf first
         * @param privateKey its unencrypted PKCS#8 PEM key
         * @return this builder
         */
        public Builder tls(@Nullable Path certificateChain, @Nullable Path privateKey) {
            this.certificateChain = certificateChain;
            this.privateKey = privateKey;
            return this;
        }

        /**
         * @param caCertificates PEM CA certificates of client certificates: turns on mutual TLS
         * @return this builder
         */
        public Builder clientCa(@Nullable Path caCertificates) {
            this.clientCa = caCertificates;
            return this;
        }

        /**
         * @return the settings
         * @throws ConfigurationException listing every problem (missing files, half a key pair, mTLS without TLS)
         */
        public ServerSecurity build() {
            List<String> problems = new ArrayList<>();
            exists("admin token file", adminTokenFile, problems);
            exists("inference token file", inferenceTokenFile, problems);
            exists("webhook secret file", webhookSecretFile, problems);
            exists("TLS certificate chain", certificateChain, problems);
            exists("TLS private key", privateKey, problems);
            exists("client CA", clientCa, problems);
            if ((certificateChain == null) != (privateKey == null)) {
                problems.add("TLS needs both a certificate chain and a private key but received chain \""
                        + certificateChain + "\" and key \"" + privateKey + "\"");
            }
            if (clientCa != null && certificateChain == null) {
                problems.add("mutual TLS (client CA \"" + clientCa + "\") needs TLS: set a certificate chain and key");
            }
            if (!(adminRequestsPerSecond > 0) || adminBurst < 1) {
                problems.add("the admin rate limit must be positive but was " + adminRequestsPerSecond
                        + "/s with a burst of " + adminBurst);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            Tls tls = certificateChain == null ? null
                    : new Tls(certificateChain, Objects.requireNonNull(privateKey), clientCa);
            return new ServerSecurity(adminTokenFile, inferenceTokenFile, webhookSecretFile, webhookRequireTimestamp,
                    adminRequestsPerSecond, adminBurst, tls);
        }

        private static void exists(String what, @Nullable Path file, List<String> problems) {
            if (file != null && !Files.isReadable(file)) {
                problems.add("the " + what + " \"" + file + "\" does not exist or cannot be read");
            }
        }
    }
}
