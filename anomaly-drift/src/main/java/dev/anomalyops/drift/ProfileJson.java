package dev.anomalyops.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.drift.internal.JsonSupport;

/** JSON of one {@link FeatureProfile}. Non-finite numbers are written as {@code null}, since JSON has no NaN. */
final class ProfileJson {
    private ProfileJson() {}

    static ObjectNode write(FeatureProfile profile) {
        ObjectNode node = JsonSupport.mapper().createObjectNode();
        node.put("name", profile.name());
        ArrayNode edges = node.putArray("edges");
        for (double edge : profile.edges()) {
            edges.add(edge);
        }
        ArrayNode counts = node.putArray("counts");
        for (long count : profile.counts()) {
            counts.add(count);
        }
        node.put("missing", profile.missing());
        putFinite(node, "min", profile.min());
        putFinite(node, "max", profile.max());
        putFinite(node, "outlierLow", profile.outlierLow());
        putFinite(node, "outlierHigh", profile.outlierHigh());
        node.put("outliers", profile.outliers());
        return node;
    }

    static FeatureProfile read(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        String name = JsonSupport.text(node, "name", where);
        JsonNode edgesNode = JsonSupport.array(node, "edges", where);
        double[] edges = new double[edgesNode.size()];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = JsonSupport.number(edgesNode.get(i), where + ".edges[" + i + "]");
        }
        JsonNode countsNode = JsonSupport.array(node, "counts", where);
        long[] counts = new long[countsNode.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = JsonSupport.integer(countsNode.get(i), where + ".counts[" + i + "]");
        }
        return new FeatureProfile(name, edges, counts, JsonSupport.integer(node.get("missing"), where + ".missing"),
                nullableNumber(node, "min", where), nullableNumber(node, "max", where),
                nullableNumber(node, "outlierLow", where), nullableNumber(node, "outlierHigh", where),
                JsonSupport.integer(node.get("outliers"), where + ".outliers"));
    }

    private static void putFinite(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    private static double nullableNumber(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Double.NaN;
        }
        return JsonSupport.number(value, where + "." + field);
    }
}
