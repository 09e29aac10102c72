package dev.anomalyops.drift.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.drift.internal.JsonSupport;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Retrains by dispatching a GitHub Actions workflow that declares {@code on: workflow_dispatch}: {@code POST
 * /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches} with the git ref and the inputs {@code model},
 * {@code version}, {@code reason} and {@code dedupe_key} (strings, as GitHub requires). GitHub answers 204 (or 200
 * with run details on newer API versions). Authentication is a bearer token with the Actions write permission,
 * read from a supplier on every call so that rotated tokens are picked up. Uses the JDK HTTP client. Thread-safe.
 *
 * <p>Errors: 401, 403, 404 and 422 (bad token, no permission, unknown workflow or ref, undeclared input) are
 * {@link NonRetriableException}s with GitHub's message; 429, 5xx, timeouts and connection failures are
 * {@link RetriableException}s.
 */
public final class GitHubActionsRetrainTrigger implements RetrainTrigger {
    /** The REST API version this client speaks. */
    public static final String API_VERSION = "2022-11-28";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final URI apiUrl;
    private final String owner;
    private final String repository;
    private final String workflow;
    private final String ref;
    private final Supplier<String> token;
    private final HttpClient client;
    private final Duration timeout;

    private GitHubActionsRetrainTrigger(Builder builder) {
        String base = builder.apiUrl.toString();
        this.apiUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.owner = builder.owner;
        this.repository = builder.repository;
        this.workflow = builder.workflow;
        this.ref = builder.ref;
        this.token = builder.token;
        this.client = builder.client != null ? builder.client
                : HttpClient.newBuilder().connectTimeout(builder.timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = builder.timeout;
    }

    /** @return a builder for {@code https://api.github.com}, ref {@code main}, 10 s timeout */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "github-actions";
    }

    /** @return the dispatch endpoint */
    public URI endpoint() {
        return URI.create(apiUrl + "/repos/" + encode(owner) + "/" + encode(repository) + "/actions/workflows/"
                + encode(workflow) + "/dispatches");
    }

    @Override
    public RetrainResult trigger(RetrainRequest request) {
        ObjectNode body = JsonSupport.mapper().createObjectNode();
        body.put("ref", ref);
        ObjectNode inputs = body.putObject("inputs");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("model", request.model());
        values.put("version", request.version());
        values.put("reason", truncate(request.reason(), 1000));
        values.put("dedupe_key", truncate(request.dedupeKey(), 1000));
        values.forEach(inputs::put);
        String secret = token.get();
        if (secret == null || secret.isBlank()) {
            throw new NonRetriableException("No GitHub token is available to dispatch workflow \"" + workflow + "\"");
        }
        HttpRequest http = HttpRequest.newBuilder(endpoint())
                .timeout(timeout)
                .header("Accept", "application/vnd.github+json")
                .header("Authorization", "Bearer " + secret)
                .header("X-GitHub-Api-Version", API_VERSION)
                .header("Content-Type", "application/json")
                .header("User-Agent", "anomalyops-drift")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonSupport.writeCompact(body)))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(http, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RetriableException("Cannot reach GitHub at " + apiUrl + " to dispatch workflow \"" + workflow
                    + "\": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("Interrupted while dispatching workflow \"" + workflow + "\"", e);
        }
        int status = response.statusCode();
        if (status == 204 || status == 200) {
            String runId = runId(response.body());
            return new RetrainResult(RetrainResult.Status.DISPATCHED, runId != null ? runId : owner + "/" + repository + "/"
                    + workflow + "@" + ref, "GitHub accepted the workflow_dispatch of \"" + workflow + "\" on " + ref
                    + " for model \"" + request.model() + "\" (HTTP " + status + ")");
        }
        String message = "GitHub answered HTTP " + status + " to the workflow_dispatch of \"" + workflow + "\" in "
                + owner + "/" + repository + ": " + githubMessage(response.body());
        if (status == 429 || status >= 500) {
            throw new RetriableException(message);
        }
        throw new NonRetriableException(message);
    }

    private static @Nullable String runId(@Nullable String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode json = JsonSupport.parse(body.getBytes(StandardCharsets.UTF_8));
            JsonNode id = json.get("workflow_run_id");
            return id != null && id.canConvertToLong() ? "run-" + id.asLong() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String githubMessage(@Nullable String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        try {
            JsonNode json = JsonSupport.parse(body.getBytes(StandardCharsets.UTF_8));
            JsonNode message = json.get("message");
            if (message != null && message.isTextual()) {
                return message.asText();
            }
        } catch (IOException ignored) {
            // Not JSON: show the start of the body below.
        }
        return truncate(body.replaceAll("\\s+", " "), 200);
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Builds a {@link GitHubActionsRetrainTrigger}; {@link #build()} reports every problem at once. */
    public static final class Builder {
        private URI apiUrl = URI.create("https://api.github.com");
        private String owner = "";
        private String repository = "";
        private String workflow = "";
        private String ref = "main";
        private Supplier<String> token = () -> "";
        private @Nullable HttpClient client;
        private Duration timeout = Duration.ofSeconds(10);

        private Builder() {}

        /**
         * @param apiUrl the REST API root: {@code https://api.github.com}, or {@code https://HOST/api/v3} for GitHub
         *     Enterprise Server
         * @return this builder
         */
        public Builder apiUrl(URI apiUrl) {
            this.apiUrl = Objects.requireNonNull(apiUrl, "apiUrl");
            return this;
        }

        /**
         * @param owner the repository owner
         * @param repository the repository name
         * @return this builder
         */
        public Builder repository(String owner, String repository) {
            this.owner = Objects.requireNonNull(owner, "owner");
            this.repository = Objects.requireNonNull(repository, "repository");
            return this;
        }

        /**
         * @param workflow the workflow file name (e.g. {@code retrain.yml}) or its numeric id
         * @return this builder
         */
        public Builder workflow(String workflow) {
            this.workflow = Objects.requireNonNull(workflow, "workflow");
            return this;
        }

        /**
         * @param ref the branch or tag whose workflow file runs
         * @return this builder
         */
        public Builder ref(String ref) {
            this.ref = Objects.requireNonNull(ref, "ref");
            return this;
        }

        /**
         * @param token supplies the bearer token (e.g. read from a mounted secret on each call)
         * @return this builder
         */
        public Builder token(Supplier<String> token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * @param client the HTTP client to use (proxies, TLS settings); by default a new one that never follows
         *     redirects, so the token is only ever sent to the configured host
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @param timeout the connect and request timeout
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @return the trigger
         * @throws ConfigurationException listing every problem
         */
        public GitHubActionsRetrainTrigger build() {
            List<String> problems = new ArrayList<>();
            if (!NAME.matcher(owner).matches() || !NAME.matcher(repository).matches()) {
                problems.add("owner and repository must be GitHub names but were \"" + owner + "\" and \"" + repository + "\"");
            }
            if (!NAME.matcher(workflow).matches()) {
                problems.add("workflow must be a workflow file name or id but was \"" + workflow + "\"");
            }
            if (ref.isBlank()) {
                problems.add("ref must name a branch or tag");
            }
            String scheme = apiUrl.getScheme();
            if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || apiUrl.getHost() == null) {
                problems.add("apiUrl must be an http(s) URL but was " + apiUrl);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                problems.add("timeout must be positive but was " + timeout);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new GitHubActionsRetrainTrigger(this);
        }
    }
}
