package dev.anomalyops.registry.mlflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link FakeMlflowServer} speaks the wire format of the reference notes
 * ({@code ../shared/reference/mlflow-registry-api.md}), independently of the registry that uses it: error
 * bodies and their statuses, Flask's pages for unknown routes, int64 fields, page tokens, write-once
 * parameters, and version numbers under concurrent creation.
 */
class FakeMlflowServerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FakeMlflowServer server;

    private record Answer(int status, String contentType, String body) {
        JsonNode json() throws Exception {
            return MAPPER.readTree(body);
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = FakeMlflowServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Answer send(String method, String endpoint, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + "/api/2.0/mlflow/" + endpoint));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private Answer get(String endpoint, String... keysAndValues) throws Exception {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            query.append(i == 0 ? "?" : "&").append(keysAndValues[i]).append('=')
                    .append(URLEncoder.encode(keysAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return send("GET", endpoint + query, null);
    }

    @Test
    void answersErrorsWithMlflowsBodyAndStatus() throws Exception {
        assertThat(send("POST", "experiments/create", "{\"name\":\"e\"}").status()).isEqualTo(200);
        Answer duplicate = send("POST", "experiments/create", "{\"name\":\"e\"}");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.json().get("error_code").asText()).isEqualTo("RESOURCE_ALREADY_EXISTS");
        assertThat(duplicate.json().get("message").asText()).isNotEmpty();

        Answer missing = get("registered-models/get", "name", "nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");

        Answer noName = send("POST", "registered-models/create", "{}");
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");

        Answer unknown = send("POST", "runs/log-param", "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("text/html");
        assertThat(send("POST", "runs/get", "{}").status()).isEqualTo(405);
    }

    @Test
    void rendersInt64FieldsAsStringsOrNumbersAndVersionsAsStrings() throws Exception {
        send("POST", "registered-models/create", "{\"name\":\"m\"}");
        JsonNode version = send("POST", "model-versions/create", "{\"name\":\"m\",\"source\":\"s\"}").json()
                .get("model_version");
        assertThat(version.get("version").isTextual()).isTrue();
        assertThat(version.get("creation_timestamp").isTextual()).isTrue();
        assertThat(send("POST", "registered-models/set-tag", "{\"name\":\"m\",\"key\":\"k\",\"value\":\"v\"}").body())
                .isEqualTo("{}");
        try (FakeMlflowServer numbers = FakeMlflowServer.builder().int64AsStrings(false).start()) {
            HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(numbers.uri()
                    + "/api/2.0/mlflow/runs/create")).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"experiment_id\":\"0\",\"start_time\":\"1700000000000\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode info = MAPPER.readTree(created.body()).get("run").get("info");
            assertThat(info.get("start_time").isNumber()).isTrue();
            assertThat(info.get("start_time").asLong()).isEqualTo(1_700_000_000_000L);
        }
    }

    @Test
    void pagesWithOpaqueTokensAndEnforcesMaxResults() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            send("POST", "registered-models/create", "{\"name\":\"" + name + "\"}");
        }
        List<String> names = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Answer page = token == null ? get("registered-models/search", "max_results", "2")
                    : get("registered-models/search", "max_results", "2", "page_token", token);
            page.json().path("registered_models").forEach(m -> names.add(m.get("name").asText()));
            token = page.json().path("next_page_token").asText(null);
            pages++;
        } while (token != null);
        assertThat(names).containsExactly("a", "b", "c");
        assertThat(pages).isEqualTo(2);
        assertThat(get("registered-models/search", "page_token", "not base64!").json().get("error_code").asText())
                .isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(get("registered-models/search", "max_results", "5000").status()).isEqualTo(400);
        assertThat(get("registered-models/search", "filter", "name = 'b'").json().get("registered_models"))
                .hasSize(1);
        assertThat(get("registered-models/search", "filter", "name = 'zzz'").body()).isEqualTo("{}");
    }

    @Test
    void keepsRunParametersWriteOnce() throws Exception {
        String runId = send("POST", "runs/create", "{\"experiment_id\":\"0\"}").json().get("run").get("info")
                .get("run_id").asText();
        String param = "{\"run_id\":\"" + runId + "\",\"key\":\"k\",\"value\":\"%s\"}";
        assertThat(send("POST", "runs/log-parameter", param.formatted("one")).status()).isEqualTo(200);
        assertThat(send("POST", "runs/log-parameter", param.formatted("one")).status()).isEqualTo(200);
        Answer changed = send("POST", "runs/log-parameter", param.formatted("two"));
        assertThat(changed.status()).isEqualTo(400);
        assertThat(changed.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(server.params(runId)).containsEntry("k", "one");
        Answer batch = send("POST", "runs/log-batch", "{\"run_id\":\"" + runId
                + "\",\"params\":[{\"key\":\"k\",\"value\":\"three\"},{\"key\":\"j\",\"value\":\"x\"}]}");
        assertThat(batch.status()).isEqualTo(400);
        assertThat(server.params(runId)).doesNotContainKey("j");
    }

    @Test
    void enforcesTheRegistryRulesOfTheRealServer() throws Exception {
        send("POST", "registered-models/create", "{\"name\":\"m\"}");
        send("POST", "model-versions/create", "{\"name\":\"m\",\"source\":\"s\"}");
        assertThat(send("POST", "model-versions/transition-stage", "{\"name\":\"m\",\"version\":\"1\","
                + "\"stage\":\"Production\"}").json().get("message").asText()).contains("archive_existing_versions");
        assertThat(send("POST", "registered-models/alias", "{\"name\":\"m\",\"alias\":\"latest\",\"version\":\"1\"}")
                .status()).isEqualTo(400);
        assertThat(send("POST", "registered-models/alias", "{\"name\":\"m\",\"alias\":\"champion\",\"version\":\"9\"}")
                .status()).isEqualTo(404);
        assertThat(get("registered-models/alias", "name", "m", "alias", "champion").status()).isEqualTo(404);
        send("DELETE", "model-versions/delete", "{\"name\":\"m\",\"version\":\"1\"}");
        // A deleted version's number is never handed out again (the SQL store counts deleted rows).
        assertThat(send("POST", "model-versions/create", "{\"name\":\"m\",\"source\":\"s\"}").json()
                .get("model_version").get("version").asText()).isEqualTo("2");
    }

    @Test
    void handsOutDistinctVersionNumbersToConcurrentCreators() throws Exception {
        send("POST", "registered-models/create", "{\"name\":\"m\"}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(pool.submit(() -> send("POST", "model-versions/create", "{\"name\":\"m\",\"source\":\"s\"}")
                        .json().get("model_version").get("version").asText()));
            }
            Set<Integer> numbers = new HashSet<>();
            for (Future<String> future : futures) {
                numbers.add(Integer.parseInt(future.get(30, TimeUnit.SECONDS)));
            }
            assertThat(numbers).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 40).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }
}
