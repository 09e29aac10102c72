package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which metrics made a flagged row unusual: for each of the top anomalies (the highest-scoring rows, at least
 * {@code gap} rows apart so that one incident is not listed many times) the metrics whose raw value lies furthest
 * from its training mean in training standard deviations. Where the dataset blames metrics for the incident (SMD's
 * {@code interpretation_label}), the explanation says whether they agree. This is the statistical baseline the
 * demo uses until the retrieval-augmented explainer ({@code anomaly-rag}) is wired in.
 */
public final class Explain {
    private Explain() {}

    /**
     * @param instance the machine
     * @param timestamp when
     * @param testRow row in the machine's test split
     * @param score the detector's score
     * @param label the dataset's label
     * @param metrics the top metrics with their z-scores, most unusual first
     * @param blamed metrics the dataset blames for the incident covering the row (empty when none)
     */
    public record Explanation(String instance, Instant timestamp, long testRow, double score, int label,
            List<Attribution> metrics, Set<String> blamed) {
        /** @return whether one of the top metrics is one the dataset blames */
        public boolean agrees() {
            return metrics.stream().anyMatch(m -> blamed.contains(m.metric()));
        }

        /** @return one sentence for people */
        public String sentence() {
            StringBuilder text = new StringBuilder();
            text.append(instance).append(" at ").append(timestamp).append(" (score ")
                    .append(String.format("%.3f", score)).append(", ").append(label == 1 ? "labelled anomaly"
                            : "labelled normal").append("): ");
            for (int i = 0; i < metrics.size(); i++) {
                Attribution a = metrics.get(i);
                text.append(i == 0 ? "" : ", ").append(a.metric()).append(String.format(" %s%.1f sd", a.z() >= 0 ? "+"
                        : "", a.z()));
            }
            if (!blamed.isEmpty()) {
                text.append("; the dataset blames ").append(String.join(", ", new java.util.TreeSet<>(blamed)))
                        .append(agrees() ? " (agrees)" : " (differs)");
            }
            return text.toString();
        }

        /** @return a JSON form */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("instance", instance).put("timestamp", timestamp.toString()).put("testRow", testRow)
                    .put("score", score).put("label", label);
            metrics.forEach(m -> node.withArray("metrics").addObject().put("metric", m.metric()).put("z", m.z()));
            new java.util.TreeSet<>(blamed).forEach(node.withArray("blamed")::add);
            node.put("agrees", agrees());
            node.put("text", sentence());
            return node;
        }
    }

    /**
     * @param metric the metric
     * @param z (value − training mean) / training standard deviation
     */
    public record Attribution(String metric, double z) {}

    /**
     * @param train training features (the raw metric features give the means and deviations)
     * @param test test features
     * @param scores test scores
     * @param metrics the raw metric names (features of the same name)
     * @param count how many anomalies to explain
     * @param gap rows between two explained anomalies, at least
     * @param testStart timestamp of the first test row of each machine, by instance
     * @param blamedByMachine per machine, test-row ranges and the metrics blamed for them
     * @return the explanations, highest score first
     */
    public static List<Explanation> topAnomalies(FeatureTable train, FeatureTable test, double[] scores,
            List<String> metrics, int count, int gap, java.util.Map<String, Long> testStart,
            java.util.Map<String, List<Incident>> blamedByMachine) {
        int width = train.schema().size();
        List<String> names = train.schema().names();
        int[] columns = metrics.stream().mapToInt(names::indexOf).filter(i -> i >= 0).toArray();
        double[] mean = new double[columns.length];
        double[] sd = new double[columns.length];
        for (int c = 0; c < columns.length; c++) {
            double sum = 0;
            double squares = 0;
            int n = 0;
            for (int r = 0; r < train.rows(); r++) {
                float v = train.values()[r * width + columns[c]];
                if (!Float.isNaN(v)) {
                    sum += v;
                    squares += (double) v * v;
                    n++;
                }
            }
            mean[c] = n == 0 ? 0 : sum / n;
            sd[c] = n < 2 ? 0 : Math.sqrt(Math.max(0, (squares - n * mean[c] * mean[c]) / (n - 1)));
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<Explanation> explanations = new ArrayList<>();
        List<Integer> taken = new ArrayList<>();
        for (int row : order) {
            if (explanations.size() == count) {
                break;
            }
            if (taken.stream().anyMatch(t -> Math.abs(t - row) < gap
                    && test.instances()[t].equals(test.instances()[row]))) {
                continue;
            }
            taken.add(row);
            List<Attribution> attributions = new ArrayList<>();
            for (int c = 0; c < columns.length; c++) {
                float v = test.values()[row * width + columns[c]];
                // A metric constant in training has no spread; any change is then infinitely unusual, so use a floor.
                double z = Float.isNaN(v) ? 0 : (v - mean[c]) / Math.max(sd[c], 1e-3);
                attributions.add(new Attribution(names.get(columns[c]), z));
            }
            attributions.sort(Comparator.comparingDouble((Attribution a) -> Math.abs(a.z())).reversed());
            String instance = test.instances()[row];
            long testRow = (test.timestamps()[row] - testStart.getOrDefault(instance, 0L)) / Ingest.STEP.toMillis();
            Set<String> blamed = new HashSet<>();
            for (Incident incident : blamedByMachine.getOrDefault(instance, List.of())) {
                if (testRow >= incident.start() && testRow < incident.end()) {
                    blamed.addAll(incident.metrics());
                }
            }
            explanations.add(new Explanation(instance, Instant.ofEpochMilli(test.timestamps()[row]), testRow,
                    scores[row], test.labels() == null ? 0 : test.labels()[row],
                    List.copyOf(attributions.subList(0, Math.min(3, attributions.size()))), blamed));
        }
        return explanations;
    }

    /**
     * An incident the dataset explains: test rows {@code [start, end)} and the metrics blamed.
     *
     * @param start first row
     * @param end one past the last row
     * @param metrics blamed metric names ({@code m01} ...)
     */
    public record Incident(long start, long end, Set<String> metrics) {}

    /**
     * Reads SMD's {@code interpretation_label} file: lines {@code start-end:d1,d2,...} (half-open row range,
     * 1-based metric numbers).
     *
     * @param file the file; a missing file gives no incidents
     * @return the incidents
     */
    public static List<Incident> readIncidents(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<Incident> incidents = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String text = line.strip();
                int colon = text.indexOf(':');
                int dash = text.indexOf('-');
                if (text.isEmpty() || colon < 0 || dash < 0 || dash > colon) {
                    continue;
                }
                Set<String> metrics = new HashSet<>();
                for (String d : text.substring(colon + 1).split(",")) {
                    if (!d.isBlank()) {
                        metrics.add(String.format("m%02d", Integer.parseInt(d.strip())));
                    }
                }
                incidents.add(new Incident(Long.parseLong(text.substring(0, dash).strip()),
                        Long.parseLong(text.substring(dash + 1, colon).strip()), metrics));
            }
        } catch (IOException | NumberFormatException e) {
            throw new dev.anomalyops.core.InputException("Cannot read the interpretation labels \"" + file + "\": " + e.getMessage(), e);
        }
        return incidents;
    }
}
