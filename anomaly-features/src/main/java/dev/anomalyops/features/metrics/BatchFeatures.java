package dev.anomalyops.features.metrics;

import dev.anomalyops.core.InputException;
import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The batch execution of a {@link FeatureSpec}, over a dataset grouped by instance and sorted by time within each
 * instance (a Parquet or CSV file, or several read in order). It streams: memory holds one instance's state and
 * one chunk of input, whatever the dataset's size. Rows are bit-for-bit those {@link OnlineFeatures} gives for the
 * same samples, because both drive the same per-instance state machine; the batch execution skips the online
 * one's per-sample lookup, clock and eviction, which is why it is faster.
 *
 * <p>An instance that appears again after another one started is a sorting error and fails the run with an
 * {@link InputException} (the rows seen so far have been delivered). Late and duplicate samples are rejected per
 * the spec's policies and handed to the {@link RejectSink}; {@code rowsIn = rowsOut + duplicates + late}, always.
 */
public final class BatchFeatures {
    private final Plan plan;
    private final boolean interleaved;

    private BatchFeatures(FeatureSpec spec, boolean interleaved) {
        this.plan = new Plan(spec);
        this.interleaved = interleaved;
    }

    /** @param spec the spec @return its batch execution (thread-safe: each run has its own state) */
    public static BatchFeatures of(FeatureSpec spec) {
        return new BatchFeatures(spec, false);
    }

    /**
     * A batch execution for datasets whose instances come back in later chunks, such as the exporter's hourly
     * partitions read in time order (each sorted by instance): every instance's state is kept until the end of
     * the run ({@code instances * bytesPerInstance} of memory) instead of one at a time. Rows are the same.
     *
     * @param spec the spec
     * @return its batch execution
     */
    public static BatchFeatures interleaved(FeatureSpec spec) {
        return new BatchFeatures(spec, true);
    }

    /** @return the spec this execution computes */
    public FeatureSpec spec() {
        return plan.spec();
    }

    /**
     * Computes the features of every sample of a source.
     *
     * @param source the dataset; its metric names must match the spec's, in order
     * @param sink receives accepted rows in input order
     * @param rejects receives rejected samples with the reason
     * @return the counts
     * @throws InputException when the dataset is not grouped by instance
     * @throws StorageException when reading or a sink fails
     */
    public Result run(MetricSource source, FeatureSink sink, RejectSink rejects) {
        List<String> expected = plan.spec().metricNames();
        if (!source.metrics().equals(expected)) {
            throw new InputException("The source's metrics " + source.metrics() + " differ from the spec's " + expected);
        }
        Set<String> finished = new HashSet<>();
        java.util.Map<String, InstanceState> kept = new java.util.HashMap<>();
        InstanceState state = plan.newState();
        String current = null;
        float[] row = new float[plan.width()];
        int m = expected.size();
        long rowsIn = 0;
        long rowsOut = 0;
        long duplicates = 0;
        long late = 0;
        try {
            MetricFrame frame;
            while ((frame = source.next()) != null) {
                double[] values = frame.valuesArray();
                int rows = frame.rows();
                for (int r = 0; r < rows; r++) {
                    String instance = frame.instance(r);
                    if (!instance.equals(current)) {
                        if (interleaved) {
                            state = kept.computeIfAbsent(instance, k -> plan.newState());
                        } else {
                            if (current != null) {
                                finished.add(current);
                            }
                            if (finished.contains(instance)) {
                                throw new InputException("The dataset is not grouped by instance: \"" + instance
                                        + "\" appears again at row " + rowsIn + " after other instances (use"
                                        + " BatchFeatures.interleaved for time-partitioned data)");
                            }
                            state.reset();
                        }
                        current = instance;
                    }
                    long ts = frame.timestamp(r);
                    Outcome outcome = state.update(ts, values, r * m, row, 0);
                    if (outcome == Outcome.ACCEPTED) {
                        sink.accept(instance, ts, row, 0);
                        rowsOut++;
                    } else {
                        if (outcome == Outcome.DUPLICATE) {
                            duplicates++;
                        } else {
                            late++;
                        }
                        rejects.reject(rowsIn, instance, ts, outcome);
                    }
                    rowsIn++;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException("Batch features failed after " + rowsIn + " rows: " + e.getMessage(), e);
        }
        if (current != null) {
            finished.add(current);
        }
        return new Result(rowsIn, rowsOut, duplicates, late, interleaved ? kept.size() : finished.size());
    }

    /**
     * Computes the features of an in-memory frame.
     *
     * @param frame samples grouped by instance, in time order within each
     * @param rejected receives rejected samples (may be a list's add)
     * @return the feature rows
     */
    public FeatureFrame compute(MetricFrame frame, RejectSink rejected) {
        FeatureFrame out = new FeatureFrame(plan.spec().schema());
        run(MetricSource.of(frame), out, rejected);
        return out;
    }

    /**
     * @param frame samples grouped by instance
     * @return the feature rows; throws when any sample is rejected
     * @throws InputException naming the first rejected sample
     */
    public FeatureFrame compute(MetricFrame frame) {
        List<String> problems = new ArrayList<>();
        FeatureFrame out = compute(frame, (n, i, t, o) -> problems.add("row " + n + " (\"" + i + "\" at "
                + java.time.Instant.ofEpochMilli(t) + "): " + o.reason()));
        if (!problems.isEmpty()) {
            throw new InputException(problems.size() + " samples were rejected; first: " + problems.get(0));
        }
        return out;
    }

    /**
     * Counts of one batch run.
     *
     * @param rowsIn samples read
     * @param rowsOut feature rows written
     * @param duplicates samples rejected as duplicate timestamps
     * @param late samples rejected as out of order
     * @param instances distinct instances
     */
    public record Result(long rowsIn, long rowsOut, long duplicates, long late, int instances) {}
}
