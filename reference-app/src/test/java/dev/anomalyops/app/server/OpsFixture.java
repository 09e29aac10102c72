package dev.anomalyops.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.testing.XgboostJsonModels;
import dev.anomalyops.drift.ProfileOptions;
import dev.anomalyops.drift.ReferenceProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.SplittableRandom;

/** Bundles, a fake clock and an HTTP helper for the rollout and monitoring tests of the reference server. */
final class OpsFixture {
    static final FeatureSchema SCHEMA = FeatureSchema.of("a", "b", "c", "d", "e", "f");
    static final ObjectMapper JSON = new ObjectMapper();

    private OpsFixture() {}

    /**
     * A 30-tree XGBoost bundle over six standard-normal features.
     *
     * @param dir where to write it
     * @param name model name
     * @param seed the model's seed
     * @param driftReference whether to learn and add a drift reference from 5,000 standard-normal rows
     * @return the bundle
     */
    static ModelBundle bundle(Path dir, String name, long seed, boolean driftReference) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Path file = dir.resolve(name + "-" + seed + ".json");
        XgboostJsonModels.write(file, new XgboostJsonModels.Spec(6, 30, 5, 0.0, "binary:logistic", 0.3f), seed);
        ModelBundle.Builder builder = ModelBundle.builder(name, Long.toString(seed)).model(ModelFormat.XGBOOST_JSON, file)
                .schema(SCHEMA).threshold(0.5);
        if (driftReference) {
            int rows = 5000;
            float[] values = gaussian(rows, 0f, new SplittableRandom(seed));
            ReferenceProfile.learn(FeatureBatch.wrap(SCHEMA, values, rows), null, ProfileOptions.defaults()).addTo(builder);
        }
        return builder.writeTo(dir.resolve("bundle-" + name + "-" + seed));
    }

    /** @return rows x 6 standard-normal values, feature "a" shifted by {@code shiftA} */
    static float[] gaussian(int rows, float shiftA, SplittableRandom random) {
        float[] values = new float[rows * 6];
        for (int i = 0; i < values.length; i++) {
            double u = random.nextDouble();
            double v = random.nextDouble();
            double normal = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
            values[i] = (float) normal + (i % 6 == 0 ? shiftA : 0f);
        }
        return values;
    }

    /** @return a v2 JSON body with the given rows */
    static String inferBody(float[] values, int rows) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < rows * 6; i++) {
            data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", values[i]));
        }
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + rows + ",6],\"datatype\":\"FP32\",\"data\":[" + data
                + "]}]}";
    }

    /** A tiny HTTP client for one server. */
    static final class Http {
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final String base;
        final String token;

        Http(int port, String token) {
            this.base = "http://127.0.0.1:" + port;
            this.token = token;
        }

        HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode admin(String method, String path, String body) throws Exception {
            HttpResponse<String> response = send(method, path, body, "Authorization", "Bearer " + token);
            if (response.statusCode() != 200) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        }

        /** @return the response of one single-row inference as the given user (null: no user id) */
        JsonNode infer(String model, float[] row, String user) throws Exception {
            HttpResponse<String> response = user == null
                    ? send("POST", "/v2/models/" + model + "/infer", inferBody(row, 1))
                    : send("POST", "/v2/models/" + model + "/infer", inferBody(row, 1), "X-User-Id", user);
            JsonNode node = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                return JSON.createObjectNode().put("status", response.statusCode()).put("error", node.path("error").asText());
            }
            return node;
        }

        String metrics() throws Exception {
            return send("GET", "/metrics", null).body();
        }
    }

    /** A clock tests move by hand, so dwell times and windows pass without sleeping. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
