package dev.anomalyops.drift.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One catalogued meter: what it is called, what it measures and which labels it carries. Free of Micrometer types,
 * so that any module can read the catalogue.
 *
 * @param name the Micrometer meter name, which is also the Prometheus name before type suffixes
 *     ({@code model_latency} becomes {@code model_latency_seconds}, {@code anomaly_count} becomes
 *     {@code anomaly_count_total})
 * @param type the meter type
 * @param description the help text
 * @param baseUnit the unit appended by the Prometheus registry for summaries (e.g. {@code ms}); empty for none
 * @param tagKeys the labels, always all of them, in this order
 * @param buckets histogram bucket bounds for timers (seconds) and summaries (their unit); empty for none
 */
public record MetricSpec(String name, MetricType type, String description, String baseUnit, List<String> tagKeys,
        List<Double> buckets) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** Validates names and copies the lists. */
    public MetricSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(baseUnit, "baseUnit");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Metric name \"" + name + "\" must match " + NAME.pattern());
        }
        tagKeys = List.copyOf(tagKeys);
        for (String key : tagKeys) {
            if (!NAME.matcher(key).matches() || key.startsWith("__")) {
                throw new IllegalArgumentException("Label \"" + key + "\" of \"" + name + "\" is not a valid Prometheus label name");
            }
        }
        buckets = List.copyOf(buckets);
    }

    /** @return the Prometheus name of the metric family: the name plus the suffix its type and unit add */
    public String prometheusName() {
        return switch (type) {
            case GAUGE -> name;
            case COUNTER -> name + "_total";
            case TIMER -> name + "_seconds";
            case DISTRIBUTION_SUMMARY -> baseUnit.isEmpty() || name.endsWith("_" + baseUnit) ? name : name + "_" + baseUnit;
        };
    }

    /** @return every series name this meter appears under on {@code /metrics} */
    public List<String> prometheusSeries() {
        String family = prometheusName();
        List<String> series = new ArrayList<>();
        switch (type) {
            case GAUGE, COUNTER -> series.add(family);
            case TIMER, DISTRIBUTION_SUMMARY -> {
                if (!buckets.isEmpty()) {
                    series.add(family + "_bucket");
                }
                series.add(family + "_count");
                series.add(family + "_sum");
                series.add(family + "_max");
            }
        }
        return series;
    }
}
