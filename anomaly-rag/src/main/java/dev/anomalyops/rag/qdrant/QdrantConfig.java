package dev.anomalyops.rag.qdrant;

import dev.anomalyops.core.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where and how to reach Qdrant: gRPC host and port (6334), TLS, API key, collection, per-call timeout.
 * Immutable; {@link #toString()} masks the API key.
 */
public final class QdrantConfig {
    private final String host;
    private final int port;
    private final boolean tls;
    private final @Nullable String apiKey;
    private final String collection;
    private final int dimension;
    private final Duration timeout;
    private final boolean createCollection;
    private final int upsertBatchSize;
    private final boolean checkCompatibility;

    private QdrantConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.tls = b.tls;
        this.apiKey = b.apiKey;
        this.collection = b.collection;
        this.dimension = b.dimension;
        this.timeout = b.timeout;
        this.createCollection = b.createCollection;
        this.upsertBatchSize = b.upsertBatchSize;
        this.checkCompatibility = b.checkCompatibility;
    }

    /**
     * @param host the Qdrant host name or address
     * @return a builder with the defaults: port 6334, plaintext, collection {@code incidents}, 384 dimensions,
     *     5 s timeout
     */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    /**
     * Parses {@code host[:port]}.
     *
     * @param hostAndPort for example {@code qdrant.svc:6334} or {@code localhost}
     * @return a builder for that address
     */
    public static Builder parse(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon > 0 && hostAndPort.indexOf(']') < colon) {
            Builder b = new Builder(hostAndPort.substring(0, colon));
            try {
                b.port(Integer.parseInt(hostAndPort.substring(colon + 1)));
            } catch (NumberFormatException e) {
                b.port(-1);
            }
            return b;
        }
        return new Builder(hostAndPort);
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        Builder b = new Builder(host);
        b.port = port;
        b.tls = tls;
        b.apiKey = apiKey;
        b.collection = collection;
        b.dimension = dimension;
        b.timeout = timeout;
        b.createCollection = createCollection;
        b.upsertBatchSize = upsertBatchSize;
        b.checkCompatibility = checkCompatibility;
        return b;
    }

    /** @return the host */
    public String host() {
        return host;
    }

    /** @return the gRPC port */
    public int port() {
        return port;
    }

    /** @return whether the connection uses TLS */
    public boolean tls() {
        return tls;
    }

    /** @return the API key sent as {@code api-key} metadata, if any */
    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /** @return the collection name */
    public String collection() {
        return collection;
    }

    /** @return the vector length of the collection */
    public int dimension() {
        return dimension;
    }

    /** @return the deadline of each call */
    public Duration timeout() {
        return timeout;
    }

    /** @return whether a missing collection is created */
    public boolean createCollection() {
        return createCollection;
    }

    /** @return points per upsert request */
    public int upsertBatchSize() {
        return upsertBatchSize;
    }

    /** @return whether the client compares its version with the server's at start-up */
    public boolean checkCompatibility() {
        return checkCompatibility;
    }

    @Override
    public String toString() {
        return "QdrantConfig[" + (tls ? "https" : "http") + "://" + host + ":" + port + ", collection=" + collection
                + ", dimension=" + dimension + ", timeout=" + timeout + ", apiKey=" + (apiKey == null ? "none" : "****")
                + "]";
    }

    /** Builds a {@link QdrantConfig}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final String host;
        private int port = 6334;
        private boolean tls;
        private @Nullable String apiKey;
        private String collection = "incidents";
        private int dimension = 384;
        private Duration timeout = Duration.ofSeconds(5);
        private boolean createCollection = true;
        private int upsertBatchSize = 256;
        private boolean checkCompatibility = true;

        private Builder(String host) {
            this.host = host;
        }

        /**
         * @param port the gRPC port (default 6334)
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * @param tls whether to use TLS (default false: in-cluster plaintext)
         * @return this builder
         */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * @param apiKey the API key, or null for none
         * @return this builder
         */
        public Builder apiKey(@Nullable String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /**
         * @param collection the collection name (default {@code incidents})
         * @return this builder
         */
        public Builder collection(String collection) {
            this.collection = collection;
            return this;
        }

        /**
         * @param dimension the vector length (default 384, all-MiniLM-L6-v2)
         * @return this builder
         */
        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        /**
         * @param timeout the deadline of each call (default 5 s)
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * @param createCollection whether to create the collection when missing (default true)
         * @return this builder
         */
        public Builder createCollection(boolean createCollection) {
            this.createCollection = createCollection;
            return this;
        }

        /**
         * @param upsertBatchSize points per upsert request, 1 to 10,000 (default 256; Qdrant advises requests
         *     of a few MB)
         * @return this builder
         */
        public Builder upsertBatchSize(int upsertBatchSize) {
            this.upsertBatchSize = upsertBatchSize;
            return this;
        }

        /**
         * @param checkCompatibility whether the client checks the server version at start-up (default true)
         * @return this builder
         */
        public Builder checkCompatibility(boolean checkCompatibility) {
            this.checkCompatibility = checkCompatibility;
            return this;
        }

        /**
         * @return the configuration
         * @throws ConfigurationException listing every invalid value
         */
        public QdrantConfig build() {
            List<String> problems = new ArrayList<>();
            if (host == null || host.isBlank()) {
                problems.add("host must not be blank");
            }
            if (port < 1 || port > 65_535) {
                problems.add("port must be between 1 and 65535 but was " + port);
            }
            if (collection == null || !collection.matches("[A-Za-z0-9_.\\-]{1,255}")) {
                problems.add("collection must be 1 to 255 letters, digits, '_', '-' or '.' but was \"" + collection + "\"");
            }
            if (dimension < 1 || dimension > 65_536) {
                problems.add("dimension must be between 1 and 65536 but was " + dimension);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                problems.add("timeout must be positive but was " + timeout);
            }
            if (upsertBatchSize < 1 || upsertBatchSize > 10_000) {
                problems.add("upsertBatchSize must be between 1 and 10000 but was " + upsertBatchSize);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new QdrantConfig(this);
        }
    }
}
