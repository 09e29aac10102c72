package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.app.server.InferenceServer;
import dev.anomalyops.app.server.ReferenceServer;
import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.rollout.CanaryPolicy;
import dev.anomalyops.train.supervised.TrainingReport;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The demo's serving step: starts the reference v2 server in-process on an ephemeral port, with an A/B test between
 * the registry's {@code production} (the detector) and {@code staging} (the supervised champion) aliases, and scores
 * the held-out stream over HTTP exactly as a client would ({@code POST /v2/models/MODEL/infer}, one user id per
 * request so the router splits the traffic), counting which variant and registry version answered.
 */
public final class Serving {
    /** Rows per request. */
    static final int ROWS_PER_REQUEST = 50;

    private Serving() {}

    /**
     * What one variant answered.
     *
     * @param variant the A/B variant (registry alias)
     * @param versions registry versions that answered for it
     * @param requests requests it answered
     * @param rows rows it scored
     * @param flagged rows it labelled anomalous
     * @param anomalies rows among them that the dataset labels anomalous
     * @param truePositives flagged rows the dataset labels anomalous
     */
    public record Variant(String variant, List<String> versions, int requests, int rows, int flagged, int anomalies,
            int truePositives) {
        /** @return precision against the dataset's labels (NaN when nothing was flagged) */
        public double precision() {
            return flagged == 0 ? Double.NaN : truePositives / (double) flagged;
        }

        /** @return recall against the dataset's labels (NaN without anomalies) */
        public double recall() {
            return anomalies == 0 ? Double.NaN : truePositives / (double) anomalies;
        }
    }

    /**
     * @param url the inference URL that was called
     * @param abTest whether an A/B test ran (only when the supervised champion passed its gates)
     * @param requests requests sent
     * @param rows rows scored
     * @param variants per variant, by name
     */
    public record Result(String url, boolean abTest, int requests, int rows, Map<String, Variant> variants) {
        /** @return a JSON summary */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("url", url).put("abTest", abTest).put("requests", requests).put("rows", rows);
            ObjectNode vs = node.putObject("variants");
            variants.forEach((name, v) -> {
                ObjectNode o = vs.putObject(name);
                v.versions().forEach(o.putArray("versions")::add);
                o.put("requests", v.requests()).put("share", v.requests() / (double) requests).put("rows", v.rows())
                        .put("flagged", v.flagged()).put("anomalies", v.anomalies())
                        .put("truePositives", v.truePositives()).put("precision", v.precision())
                        .put("recall", v.recall());
            });
            return node;
        }
    }

    /**
     * Splits rows grouped by instance (machine) into the first {@code share} of each instance's rows and the rest.
     *
     * @param table rows grouped by instance, in time order within each
     * @param share share of each instance's rows in the first part
     * @return the first parts concatenated, and the rests concatenated
     */
    public static FeatureTable[] splitPerInstance(FeatureTable table, double share) {
        List<FeatureTable> first = new ArrayList<>();
        List<FeatureTable> rest = new ArrayList<>();
        int start = 0;
        for (int r = 1; r <= table.rows(); r++) {
            if (r == table.rows() || !table.instances()[r].equals(table.instances()[start])) {
                int cut = start + (int) Math.round((r - start) * share);
                first.add(table.slice(start, cut));
                rest.add(table.slice(cut, r));
                start = r;
            }
        }
        return new FeatureTable[] {FeatureTable.concat(first), FeatureTable.concat(rest)};
    }

    /**
     * @param registryDir the file registry holding {@code model}
     * @param stateDir the server's rollout state folder
     * @param model the model to serve
     * @param abTest split traffic 50/50 between {@code production} and {@code staging}; else serve production
     * @param stream the held-out rows
     * @param clock the server's clock
     * @param progress progress lines
     * @return what answered
     */
    public static Result scoreThroughServer(Path registryDir, Path stateDir, String model, boolean abTest,
            FeatureTable stream, Clock clock, Progress progress) {
        Map<String, Map<String, Double>> ab = abTest
                ? Map.of(model, Map.of(Aliases.PRODUCTION, 50.0, TrainingReport.STAGING, 50.0)) : Map.of();
        ReferenceServer.Operations operations = new ReferenceServer.Operations(stateDir, null, CanaryPolicy.defaults(),
                Duration.ZERO, ab, Duration.ofHours(1), clock, (version, scorer) -> scorer);
        ReferenceServer.Settings settings = new ReferenceServer.Settings(0, List.of(model), Aliases.PRODUCTION,
                ScorerOptions.defaults(), ScoringInferenceService.Batching.OFF, Duration.ZERO, 64L << 20, 65_536,
                operations);
        try (ModelRegistry registry = FileModelRegistry.open(registryDir);
                InferenceServer server = ReferenceServer.start(registry, settings)) {
            String url = "http://127.0.0.1:" + server.port() + "/v2/models/" + model + "/infer";
            progress.line("  v2 server on port " + server.port() + (abTest ? ", A/B " + Aliases.PRODUCTION + ":50 "
                    + TrainingReport.STAGING + ":50" : ", production only (no champion passed its gates)"));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            Map<String, TreeSet<String>> versions = new TreeMap<>();
            Map<String, int[]> counts = new TreeMap<>();
            int features = stream.schema().size();
            int requests = 0;
            for (int first = 0; first < stream.rows(); first += ROWS_PER_REQUEST, requests++) {
                int end = Math.min(stream.rows(), first + ROWS_PER_REQUEST);
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.put("id", "demo-" + requests);
                ObjectNode input = body.putArray("inputs").addObject();
                input.put("name", "input").put("datatype", "FP32");
                input.putArray("shape").add(end - first).add(features);
                ArrayNode data = input.putArray("data");
                for (int i = first * features; i < end * features; i++) {
                    float v = stream.values()[i];
                    if (Float.isFinite(v)) {
                        data.add(v);
                    } else {
                        data.addNull();
                    }
                }
                JsonNode answer = post(http, url, "user-" + requests, body);
                String variant = answer.path("parameters").path("variant").asText(Aliases.PRODUCTION);
                versions.computeIfAbsent(variant, k -> new TreeSet<>()).add(answer.path("model_version").asText());
                int[] c = counts.computeIfAbsent(variant, k -> new int[5]);
                c[0]++;
                c[1] += end - first;
                JsonNode labels = null;
                for (JsonNode output : answer.path("outputs")) {
                    if (output.path("name").asText().equals("label")) {
                        labels = output.path("data");
                    }
                }
                if (labels == null || labels.size() != end - first) {
                    throw new BackendUnavailableException("The v2 server's answer to request \"demo-" + requests
                            + "\" has no \"label\" output of " + (end - first) + " rows: " + answer);
                }
                for (int r = first; r < end; r++) {
                    int flagged = labels.get(r - first).asInt();
                    int truth = stream.labels() == null ? 0 : stream.labels()[r];
                    c[2] += flagged;
                    c[3] += truth;
                    c[4] += flagged * truth;
                }
                if (requests % 50 == 0) {
                    progress.line(String.format("  %,d of %,d rows scored", end, stream.rows()));
                }
            }
            Map<String, Variant> variants = new TreeMap<>();
            counts.forEach((name, c) -> variants.put(name, new Variant(name, List.copyOf(versions.get(name)), c[0],
                    c[1], c[2], c[3], c[4])));
            Result result = new Result(url, abTest, requests, stream.rows(), variants);
            for (Variant v : variants.values()) {
                progress.line(String.format("  %-10s version(s) %s: %d requests (%.0f%%), %,d rows, %,d flagged,"
                        + " precision %.3f, recall %.3f", v.variant(), String.join(",", v.versions()), v.requests(),
                        100.0 * v.requests() / requests, v.rows(), v.flagged(), v.precision(), v.recall()));
            }
            return result;
        }
    }

    private static JsonNode post(HttpClient http, String url, String user, ObjectNode body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header(InferenceServer.USER_HEADER, user)
                    .POST(HttpRequest.BodyPublishers.ofString(PipelineJson.MAPPER.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new BackendUnavailableException("The v2 server answered HTTP " + response.statusCode() + " to \""
                        + url + "\": " + response.body());
            }
            return PipelineJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new BackendUnavailableException("Cannot call the v2 server at \"" + url + "\": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("Interrupted while calling the v2 server at \"" + url + "\"", e);
        }
    }
}
