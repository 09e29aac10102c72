package dev.anomalyops.benchmarks.scoring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.benchmarks.Bench;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.ScorerProvider;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.trees.TreeEnsemble;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench scoring --model FILE [--threads 1]}: every engine that can score the model (the pure-Java
 * {@code java} engine, {@code xgboost4j}, {@code catboost}, ...) measured in the same run on the same rows:
 * single-row latency percentiles and batch throughput at several batch sizes. Engines are measured in
 * alternating rounds and each figure is the median over rounds, so a noisy neighbour hurts all engines alike.
 * With {@code --threads N}, N threads share one scorer and throughput is their sum.
 */
@Command(name = "scoring", mixinStandardHelpOptions = true,
        description = {"Single-row latency and batch throughput of every engine for a model, side by side.",
            "Without --model, a 100-tree depth-6 XGBoost model on 37 features is trained first (xgboost4j).",
            "Rows: generated from the model's own split thresholds (5%% missing, values exactly on thresholds included)."})
public final class ScoringRunner implements Bench.Runner {
    private static final int[] BATCH_SIZES = {1, 16, 256, 65_536};

    @Option(names = "--model", paramLabel = "FILE", description = "Model file or bundle (default: trained 100x6 XGBoost).")
    Path model;

    @Option(names = "--threads", defaultValue = "1", description = "Threads sharing one scorer (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seconds", defaultValue = "1.0", description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds per engine (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--rows", defaultValue = "65536", description = "Distinct rows to cycle through (default: ${DEFAULT-VALUE}).")
    int rowCount;

    @Override
    public ObjectNode call() throws Exception {
        Path file = model != null ? model : BenchModels.xgboost(100, 6);
        ModelBundle bundle = Scorers.load(file);
        FeatureSchema schema = bundle.schema();
        float[] rows = rows(bundle, schema.size());
        Bench.progress("Model %s (%s, %d features); %d rows; %d thread(s)", file, bundle.format(), schema.size(),
                rowCount, threads);

        Map<String, Scorer> engines = new LinkedHashMap<>();
        for (ScorerProvider provider : Scorers.providers()) {
            if (provider.supports(bundle.format()) && provider.isAvailable() && !engines.containsKey(provider.name())) {
                engines.put(provider.name(), Scorers.open(bundle, ScorerOptions.builder().engine(provider.name()).build()));
            }
        }
        Bench.progress("Engines: %s", engines.keySet());
        Map<String, List<Figures>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Scorer> engine : engines.entrySet()) {
                Figures figures = measure(engine.getValue(), rows, schema);
                results.computeIfAbsent(engine.getKey(), k -> new ArrayList<>()).add(figures);
                Bench.progress("round %d %-10s single-row p50 %8.0f ns   batch(65536) %,12.0f rows/s", round + 1,
                        engine.getKey(), figures.p50, figures.batch.get(65_536));
            }
        }
        engines.values().forEach(Scorer::close);

        ObjectNode out = Bench.figures();
        out.put("model", file.toString());
        out.put("format", bundle.format().id());
        out.put("features", schema.size());
        out.put("threads", threads);
        ObjectNode engineNode = out.putObject("engines");
        for (Map.Entry<String, List<Figures>> entry : results.entrySet()) {
            List<Figures> list = entry.getValue();
            ObjectNode node = engineNode.putObject(entry.getKey());
            node.put("single_row_p50_ns", median(list.stream().mapToDouble(f -> f.p50).toArray()));
            node.put("single_row_p99_ns", median(list.stream().mapToDouble(f -> f.p99).toArray()));
            node.put("batch_rows_per_s", median(list.stream().mapToDouble(f -> f.batch.get(65_536)).toArray()));
            ObjectNode sizes = node.putObject("batch_rows_per_s_by_size");
            for (int size : BATCH_SIZES) {
                sizes.put(Integer.toString(size), median(list.stream().mapToDouble(f -> f.batch.get(size)).toArray()));
            }
        }
        String baseline = engineNode.has("xgboost4j") ? "xgboost4j" : engineNode.has("catboost") ? "catboost" : null;
        if (baseline != null && engineNode.size() > 1) {
            ObjectNode ratios = out.putObject("ratios_vs_" + baseline);
            ObjectNode base = (ObjectNode) engineNode.get(baseline);
            engineNode.fields().forEachRemaining(e -> {
                if (!e.getKey().equals(baseline)) {
                    ObjectNode r = ratios.putObject(e.getKey());
                    r.put("single_row_speedup", base.get("single_row_p50_ns").asDouble() / e.getValue().get("single_row_p50_ns").asDouble());
                    r.put("batch_speedup", e.getValue().get("batch_rows_per_s").asDouble() / base.get("batch_rows_per_s").asDouble());
                }
            });
        }
        return out;
    }

    private float[] rows(ModelBundle bundle, int features) {
        Random random = new Random(99);
        float[][] thresholds = new float[features][];
        TreeEnsemble ensemble = null;
        if (ModelFormat.XGBOOST_JSON.equals(bundle.format()) || ModelFormat.XGBOOST_UBJ.equals(bundle.format())
                || ModelFormat.CATBOOST_JSON.equals(bundle.format())) {
            ensemble = TreeEnsemble.read(bundle.modelFile(), bundle.format());
        }
        for (int f = 0; f < features; f++) {
            thresholds[f] = ensemble != null ? ensemble.thresholds(f) : new float[0];
        }
        float[] values = new float[rowCount * features];
        for (int r = 0; r < rowCount; r++) {
            for (int f = 0; f < features; f++) {
                float[] t = thresholds[f];
                float value;
                if (random.nextInt(20) == 0) {
                    value = Float.NaN;
                } else if (t.length > 0) {
                    value = t[random.nextInt(t.length)] + (float) (random.nextGaussian() * 1e-3);
                } else {
                    value = (float) random.nextGaussian();
                }
                values[r * features + f] = value;
            }
        }
        return values;
    }

    private Figures measure(Scorer scorer, float[] rows, FeatureSchema schema) throws InterruptedException {
        int features = schema.size();
        Figures figures = new Figures();
        // Single rows: distinct arrays per row, as a service would receive them.
        float[][] singles = new float[Math.min(rowCount, 8192)][];
        for (int r = 0; r < singles.length; r++) {
            singles[r] = Arrays.copyOfRange(rows, r * features, (r + 1) * features);
        }
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        runThreads(thread -> {
            long[] samples = new long[1 << 22];
            int n = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int r = thread * 977;
            double sink = 0;
            while (n < samples.length) {
                float[] row = singles[r++ % singles.length];
                long t0 = System.nanoTime();
                sink += scorer.probability(row);
                long t1 = System.nanoTime();
                samples[n++] = t1 - t0;
                if (t1 > end) {
                    break;
                }
            }
            latencies[thread] = samples;
            counts[thread] = n;
            return sink;
        });
        long[] all = new long[Arrays.stream(counts).sum()];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        figures.p50 = all[all.length / 2];
        figures.p99 = all[(int) (all.length * 0.99)];
        // Batches: each thread scores its own batch object over the shared rows.
        for (int size : BATCH_SIZES) {
            int batchRows = Math.min(size, rowCount);
            AtomicLong scored = new AtomicLong();
            long start = System.nanoTime();
            runThreads(thread -> {
                float[] values = new float[batchRows * features];
                double[] out = new double[batchRows];
                int offset = (thread * 131) % Math.max(1, rowCount - batchRows + 1);
                System.arraycopy(rows, offset * features, values, 0, batchRows * features);
                FeatureBatch batch = FeatureBatch.wrap(schema, values, batchRows);
                long end = System.nanoTime() + (long) (seconds * 1e9);
                long n = 0;
                double sink = 0;
                do {
                    scorer.score(batch, out);
                    sink += out[0];
                    n += batchRows;
                } while (System.nanoTime() < end);
                scored.addAndGet(n);
                return sink;
            });
            figures.batch.put(size, scored.get() / ((System.nanoTime() - start) / 1e9));
        }
        return figures;
    }

    private interface Work {
        double run(int thread) throws Exception;
    }

    private void runThreads(Work work) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(threads);
        List<Throwable> failures = new ArrayList<>();
        double[] sinks = new double[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    sinks[thread] = work.run(thread);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                } finally {
                    done.countDown();
                }
            }, "bench-" + t);
            worker.start();
        }
        done.await();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("A benchmark thread failed: " + failures.get(0), failures.get(0));
        }
        if (Arrays.stream(sinks).sum() == 42.4242) {
            Bench.progress("(sink)"); // keeps the JIT from dropping the scoring work
        }
    }

    private static double median(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }

    private static final class Figures {
        double p50;
        double p99;
        final Map<Integer, Double> batch = new LinkedHashMap<>();
    }
}
