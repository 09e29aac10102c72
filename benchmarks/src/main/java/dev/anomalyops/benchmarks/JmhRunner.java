package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./bench jmh <BenchmarkClass> [JMH options]}: runs JMH benchmarks of this module through JMH's own
 * command line (so every JMH option works: {@code -p engine=java}, {@code -prof gc}, {@code -f}, {@code -wi}, ...),
 * then prints the results as JSON, one entry per benchmark and parameter combination.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = {"Run JMH benchmarks: ./bench jmh ScoringBenchmark -prof gc -p model=100x6",
            "All JMH options are passed through; results are printed as JSON (score, error, unit, params, gc)."})
public final class JmhRunner implements Bench.Runner {
    @Parameters(index = "0", paramLabel = "PATTERN", description = "Benchmark class or regular expression.")
    String pattern;

    @Unmatched
    List<String> jmhOptions = new ArrayList<>();

    @Override
    public ObjectNode call() throws Exception {
        Path results = Files.createTempFile("jmh-", ".json");
        List<String> args = new ArrayList<>(List.of(".*" + pattern + ".*", "-rf", "json", "-rff", results.toString()));
        args.addAll(jmhOptions);
        // JMH prints its progress on stdout; route it to stderr so our JSON stays the last stdout line.
        java.io.PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
        } finally {
            System.setOut(stdout);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode raw = json.readTree(results.toFile());
        ObjectNode out = Bench.figures();
        ArrayNode list = out.putArray("results");
        for (JsonNode run : raw) {
            ObjectNode entry = list.addObject();
            entry.put("benchmark", run.path("benchmark").asText().replaceFirst("^.*\\.([^.]+\\.[^.]+)$", "$1"));
            entry.set("params", run.path("params"));
            JsonNode primary = run.path("primaryMetric");
            entry.put("score", primary.path("score").asDouble());
            entry.put("error", primary.path("scoreError").asDouble());
            entry.put("unit", primary.path("scoreUnit").asText());
            JsonNode alloc = run.path("secondaryMetrics").path("·gc.alloc.rate.norm");
            if (!alloc.isMissingNode()) {
                entry.put("alloc_bytes_per_op", alloc.path("score").asDouble());
            }
        }
        Files.deleteIfExists(results);
        return out;
    }
}
