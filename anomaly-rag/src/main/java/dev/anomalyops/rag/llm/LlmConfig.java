package dev.anomalyops.rag.llm;

import dev.anomalyops.core.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to reach and use an OpenAI-compatible server: base URL, model, sampling, time limits, retries and
 * the structured-output dialect. Immutable; {@link #toString()} masks the API key.
 */
public final class LlmConfig {

    /** Which endpoint to call. */
    public enum Endpoint {
        /** {@code POST /v1/chat/completions} with a system and a user message (needs a chat template). */
        CHAT,
        /** {@code POST /v1/completions} with one prompt text. */
        COMPLETIONS
    }

    /**
     * How the JSON answer is requested. Whatever the dialect, the answer is validated on our side, because
     * a server that does not know a field ignores it and answers with free text.
     */
    public enum StructuredOutput {
        /** {@code response_format: {type: json_schema, json_schema: {...}}}: OpenAI and current vLLM. */
        RESPONSE_FORMAT,
        /** {@code structured_outputs: {json: schema}}: vLLM 0.10.2 and newer (the only vLLM form after 0.12). */
        STRUCTURED_OUTPUTS,
        /** {@code guided_json: schema}: vLLM 0.11 and older (removed in 0.12). */
        GUIDED_JSON,
        /** No guided decoding: the prompt asks for four headed sections, parsed from the text. */
        NONE
    }

    private final URI baseUrl;
    private final String model;
    private final @Nullable String apiKey;
    private final Endpoint endpoint;
    private final StructuredOutput structuredOutput;
    private final int maxTokens;
    private final double temperature;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final Duration streamIdleTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;

    private LlmConfig(Builder b) {
        String url = b.baseUrl.toString();
        this.baseUrl = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.model = b.model;
        this.apiKey = b.apiKey;
        this.endpoint = b.endpoint;
        this.structuredOutput = b.structuredOutput;
        this.maxTokens = b.maxTokens;
        this.temperature = b.temperature;
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
        this.streamIdleTimeout = b.streamIdleTimeout;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
    }

    /**
     * @param baseUrl the API root including {@code /v1}, for example {@code http://vllm:8000/v1}
     * @param model the model name as the server lists it ({@code GET /v1/models})
     * @return a builder with the defaults: chat endpoint, {@code response_format} JSON schema,
     *     {@code max_tokens} 500, temperature 0.7, 5 s to connect, 60 s per request, 30 s between stream
     *     events, 2 retries from 500 ms
     */
    public static Builder builder(URI baseUrl, String model) {
        return new Builder(baseUrl, model);
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        Builder b = new Builder(baseUrl, model);
        b.apiKey = apiKey;
        b.endpoint = endpoint;
        b.structuredOutput = structuredOutput;
        b.maxTokens = maxTokens;
        b.temperature = temperature;
        b.connectTimeout = connectTimeout;
        b.timeout = timeout;
        b.streamIdleTimeout = streamIdleTimeout;
        b.maxRetries = maxRetries;
        b.retryBackoff = retryBackoff;
        return b;
    }

    /** @return the API root, without a trailing slash */
    public URI baseUrl() {
        return baseUrl;
    }

    /** @return the model name */
    public String model() {
        return model;
    }

    /** @return the bearer token, if any */
    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /** @return the endpoint called */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** @return how JSON answers are requested */
    public StructuredOutput structuredOutput() {
        return structuredOutput;
    }

    /** @return {@code max_tokens} */
    public int maxTokens() {
        return maxTokens;
    }

    /** @return {@code temperature} */
    public double temperature() {
        return temperature;
    }

    /** @return the time allowed to open a connection */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the time allowed for a whole answer (for streams: until the response starts) */
    public Duration timeout() {
        return timeout;
    }

    /** @return the longest silence allowed between two events of a stream */
    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    /** @return retries after a retriable failure (429, 5xx, time-outs, connection failures) */
    public int maxRetries() {
        return maxRetries;
    }

    /** @return the first back-off; it doubles per retry (a {@code Retry-After} header wins) */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    @Override
    public String toString() {
        return "LlmConfig[" + baseUrl + ", model=" + model + ", endpoint=" + endpoint + ", structuredOutput="
                + structuredOutput + ", maxTokens=" + maxTokens + ", temperature=" + temperature + ", timeout=" + timeout
                + ", maxRetries=" + maxRetries + ", apiKey=" + (apiKey == null ? "none" : "****") + "]";
    }

    /** Builds an {@link LlmConfig}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final URI baseUrl;
        private final String model;
        private @Nullable String apiKey;
        private Endpoint endpoint = Endpoint.CHAT;
        private StructuredOutput structuredOutput = StructuredOutput.RESPONSE_FORMAT;
        private int maxTokens = 500;
        private double temperature = 0.7;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration timeout = Duration.ofSeconds(60);
        private Duration streamIdleTimeout = Duration.ofSeconds(30);
        private int maxRetries = 2;
        private Duration retryBackoff = Duration.ofMillis(500);

        private Builder(URI baseUrl, String model) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * @param apiKey sent as {@code Authorization: Bearer}; null for none
         * @return this builder
         */
        public Builder apiKey(@Nullable String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /**
         * @param endpoint chat (default) or plain completions
         * @return this builder
         */
        public Builder endpoint(Endpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * @param structuredOutput how to request JSON (default {@code response_format})
         * @return this builder
         */
        public Builder structuredOutput(StructuredOutput structuredOutput) {
            this.structuredOutput = Objects.requireNonNull(structuredOutput, "structuredOutput");
            return this;
        }

        /**
         * @param maxTokens tokens generated at most, 1 to 100,000 (default 500)
         * @return this builder
         */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * @param temperature sampling temperature, 0 to 2 (default 0.7)
         * @return this builder
         */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * @param connectTimeout time to open a connection (default 5 s)
         * @param timeout time for a whole answer, or until a stream starts (default 60 s)
         * @param streamIdleTimeout longest silence inside a stream (default 30 s)
         * @return this builder
         */
        public Builder timeouts(Duration connectTimeout, Duration timeout, Duration streamIdleTimeout) {
            this.connectTimeout = connectTimeout;
            this.timeout = timeout;
            this.streamIdleTimeout = streamIdleTimeout;
            return this;
        }

        /**
         * @param maxRetries retries after retriable failures, 0 to 10 (default 2)
         * @param firstBackoff the first wait, doubled per retry (default 500 ms)
         * @return this builder
         */
        public Builder retries(int maxRetries, Duration firstBackoff) {
            this.maxRetries = maxRetries;
            this.retryBackoff = firstBackoff;
            return this;
        }

        /**
         * @return the configuration
         * @throws ConfigurationException listing every invalid value
         */
        public LlmConfig build() {
            List<String> problems = new ArrayList<>();
            String scheme = baseUrl.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
                problems.add("baseUrl must be an http or https URL such as http://vllm:8000/v1 but was \"" + baseUrl + "\"");
            }
            if (model.isBlank()) {
                problems.add("model must not be blank");
            }
            if (maxTokens < 1 || maxTokens > 100_000) {
                problems.add("maxTokens must be between 1 and 100000 but was " + maxTokens);
            }
            if (!(temperature >= 0 && temperature <= 2)) {
                problems.add("temperature must be between 0 and 2 but was " + temperature);
            }
            for (var d : List.of(List.of("connectTimeout", connectTimeout), List.of("timeout", timeout),
                    List.of("streamIdleTimeout", streamIdleTimeout))) {
                Duration value = (Duration) d.get(1);
                if (value == null || value.isNegative() || value.isZero()) {
                    problems.add(d.get(0) + " must be positive but was " + value);
                }
            }
            if (maxRetries < 0 || maxRetries > 10) {
                problems.add("maxRetries must be between 0 and 10 but was " + maxRetries);
            }
            if (retryBackoff == null || retryBackoff.isNegative()) {
                problems.add("retry backoff must not be negative but was " + retryBackoff);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new LlmConfig(this);
        }
    }
}
