package dev.anomalyops.features.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.MetricSource;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The accepted value range of each metric, learnt from training data: the observed [min, max] widened on each side
 * by {@code margin} times its span. It guards against broken data (a unit change, a counter reset to garbage), not
 * against anomalies: keep the margin generous so that the anomalies the model should see still pass. Save it with
 * the model ({@link #toJson()}) so serving checks against the ranges training saw. Immutable.
 */
public final class ValueRanges {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, double[]> ranges;

    private ValueRanges(Map<String, double[]> ranges) {
        this.ranges = ranges;
    }

    /**
     * @param source training samples (read to the end; closed by the caller)
     * @param margin how far beyond the observed range is still accepted, as a fraction of the span (e.g. 0.5)
     * @return the learnt ranges; metrics never present in the data get no range
     * @throws IOException when the source cannot be read
     */
    public static ValueRanges learn(MetricSource source, double margin) throws IOException {
        if (!(margin >= 0)) {
            throw new IllegalArgumentException("margin must be >= 0 but was " + margin);
        }
        List<String> metrics = source.metrics();
        double[] lo = new double[metrics.size()];
        double[] hi = new double[metrics.size()];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        MetricFrame f;
        while ((f = source.next()) != null) {
            for (int r = 0; r < f.rows(); r++) {
                for (int m = 0; m < lo.length; m++) {
                    double v = f.value(r, m);
                    if (Double.isFinite(v)) {
                        lo[m] = Math.min(lo[m], v);
                        hi[m] = Math.max(hi[m], v);
                    }
                }
            }
        }
        Map<String, double[]> ranges = new LinkedHashMap<>();
        for (int m = 0; m < lo.length; m++) {
            if (lo[m] <= hi[m]) {
                double span = hi[m] - lo[m];
                ranges.put(metrics.get(m), new double[] {lo[m] - margin * span, hi[m] + margin * span});
            }
        }
        return new ValueRanges(ranges);
    }

    /**
     * @param ranges metric to {min, max}
     * @return the ranges
     */
    public static ValueRanges of(Map<String, double[]> ranges) {
        Map<String, double[]> copy = new LinkedHashMap<>();
        ranges.forEach((k, v) -> copy.put(k, new double[] {v[0], v[1]}));
        return new ValueRanges(copy);
    }

    /** @param metric a metric @return its accepted {min, max}, if learnt */
    public Optional<double[]> range(String metric) {
        double[] r = ranges.get(metric);
        return r == null ? Optional.empty() : Optional.of(r.clone());
    }

    /** @return {"metric": {"min": .., "max": ..}, ...} */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ranges.forEach((k, v) -> root.putObject(k).put("min", v[0]).put("max", v[1]));
        return root.toString();
    }

    /**
     * @param json what {@link #toJson()} wrote
     * @return the ranges
     * @throws ConfigurationException when the text is not such a document
     */
    public static ValueRanges fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            Map<String, double[]> ranges = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ranges.put(e.getKey(), new double[] {e.getValue().path("min").asDouble(), e.getValue().path("max").asDouble()});
            }
            return new ValueRanges(ranges);
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException("Value ranges are not valid JSON of {\"metric\": {\"min\": x, \"max\": y}}: "
                    + e.getMessage(), e);
        }
    }
}
