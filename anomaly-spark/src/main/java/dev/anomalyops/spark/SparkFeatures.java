package dev.anomalyops.spark;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.anomalyops.core.InputException;
import dev.anomalyops.features.metrics.DuplicatePolicy;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.FillPolicy;
import dev.anomalyops.features.metrics.GapPolicy;
import dev.anomalyops.features.metrics.MetricSpec;
import dev.anomalyops.features.metrics.NanPolicy;
import dev.anomalyops.features.metrics.Outcome;
import dev.anomalyops.features.metrics.Stat;
import dev.anomalyops.features.metrics.TimeFeature;
import dev.anomalyops.features.metrics.Window;
import dev.anomalyops.spark.internal.LocalCalendar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.TimestampType;

/**
 * The Spark execution of a {@link FeatureSpec}: per-instance windows, lags, rates of change and calendar features as
 * DataFrame window functions ({@code count}, {@code sum}, {@code min}, {@code max}, {@code first}, {@code last},
 * {@code lag} over running and whole-block frames) partitioned by instance, so that the work spreads over the
 * cluster by instance. It
 * gives the same feature values as {@code OnlineFeatures} and {@code BatchFeatures} for samples in time order
 * (the equality is tested value by value on real data):
 *
 * <ul>
 *   <li>Samples are ordered by timestamp within each instance (Spark sorts; the order of the files does not
 *       matter, so no sample is "late"). Samples with the same instance and timestamp follow the spec's
 *       {@link DuplicatePolicy}: under {@code REJECT} the first one read wins and the others go to
 *       {@link Result#rejected()} with the Java executions' reason; under {@code KEEP} each is a step, in read
 *       order.</li>
 *   <li>{@link GapPolicy#FILL} adds the missing grid steps as rows (at most the longest window or lag plus one per
 *       gap, as the Java state does), {@code RESET} and {@code maxGap} start a new segment, in which windows and
 *       lags begin afresh.</li>
 *   <li>NaN, infinite and null inputs are missing; {@link FillPolicy#PREVIOUS} carries the last present value; each
 *       window's {@link NanPolicy} and {@code minPeriods} decide when a statistic is defined (NaN otherwise).</li>
 *   <li>Means and standard deviations come from block moments, with the same double operations in the same order
 *       as the Java executions (see anomaly-features' {@code RollingWindow}), so the float32 results are the same
 *       bits, also where the exact value sits on a float32 rounding boundary; min and max are exact. Every frame
 *       is a running or whole-block one, O(1) per row and statistic.</li>
 * </ul>
 *
 * <p>Rows with no instance or no timestamp are rejected with a reason too: {@code rowsIn = features + rejected},
 * always. The output has the spec's instance and timestamp columns (timestamp as epoch milliseconds) and one
 * float column per feature, named and ordered as {@link FeatureSpec#schema()}.
 *
 * <pre>{@code
 * SparkFeatures features = SparkFeatures.of(FeatureSpec.read(Path.of("spec.yaml")));
 * SparkFeatures.Result r = features.compute(spark.read().parquet("s3://bucket/metrics/dt=2026-11-28"));
 * r.features().write().partitionBy("dt").parquet("s3://bucket/features/");
 * r.rejected().write().parquet("s3://bucket/quarantine/");
 * }</pre>
 *
 * <p>Immutable and thread-safe; the datasets it returns are lazy.
 */
public final class SparkFeatures {
    /** The reason column of rejected rows. */
    public static final String REASON_COLUMN = "reason";
    /** The reason of rows that lack an instance or a timestamp. */
    public static final String NO_KEY_REASON = "missing instance or timestamp";

    private static final String I = "_ao_instance";
    private static final String T = "_ao_ts";
    private static final String SEQ = "_ao_seq";
    private static final String SEGMENT = "_ao_segment";
    private static final String STEP = "_ao_step";
    private static final String REAL = "_ao_real";
    private static final String INC = "_ao_inc";

    private final FeatureSpec spec;
    private final int history;

    private SparkFeatures(FeatureSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        int h = 1;
        for (Window w : spec.windows()) {
            h = Math.max(h, spec.lengthOf(w));
        }
        for (List<Integer> ks : List.of(spec.lags(), spec.diffs(), spec.pctChanges())) {
            for (int k : ks) {
                h = Math.max(h, k);
            }
        }
        this.history = h;
    }

    /**
     * @param spec the feature definition
     * @return its Spark execution
     */
    public static SparkFeatures of(FeatureSpec spec) {
        return new SparkFeatures(spec);
    }

    /** @return the spec this execution computes */
    public FeatureSpec spec() {
        return spec;
    }

    /**
     * Reads Parquet files (a folder, a partitioned dataset, or a glob) and computes their features.
     *
     * @param spark the session
     * @param paths Parquet paths, local or remote ({@code s3a://...})
     * @return the features and the rejected rows
     * @throws InputException when a required metric column is missing
     */
    public Result computeParquet(SparkSession spark, String... paths) {
        return compute(spark.read().parquet(paths), List.of());
    }

    /**
     * @param samples one row per sample: the spec's instance column (any type, read as a string), its timestamp
     *        column (epoch milliseconds as a number, or a Spark timestamp) and a numeric column per metric
     * @return the features and the rejected rows
     * @throws InputException when a required metric column or the instance or timestamp column is missing
     */
    public Result compute(Dataset<Row> samples) {
        return compute(samples, List.of());
    }

    /**
     * @param samples as for {@link #compute(Dataset)}
     * @param carry input columns copied unchanged to each sample's feature row and rejected row, after the features
     *        (labels, weights, partition columns)
     * @return the features and the rejected rows
     * @throws InputException when a required metric column, a carried column, or the instance or timestamp column
     *         is missing
     */
    public Result compute(Dataset<Row> samples, List<String> carry) {
        Set<String> present = new HashSet<>(Arrays.asList(samples.columns()));
        List<String> missing = new ArrayList<>();
        for (String c : carry) {
            if (!present.contains(c)) {
                missing.add(c);
            }
        }
        for (String c : List.of(spec.instanceColumn(), spec.timestampColumn())) {
            if (!present.contains(c)) {
                missing.add(c);
            }
        }
        for (MetricSpec m : spec.metrics()) {
            if (m.required() && !present.contains(m.name())) {
                missing.add(m.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new InputException("The samples lack the column(s) \"" + String.join("\", \"", missing)
                    + "\" that feature spec \"" + spec.name() + "\" needs (columns present: " + present + ")");
        }
        List<MetricSpec> metrics = spec.metrics();
        int mCount = metrics.size();
        List<Column> base = new ArrayList<>();
        base.add(col(q(spec.instanceColumn())).cast(DataTypes.StringType).as(I));
        boolean timestampType = samples.schema().apply(spec.timestampColumn()).dataType() instanceof TimestampType;
        base.add((timestampType ? expr("unix_millis(" + q(spec.timestampColumn()) + ")")
                : col(q(spec.timestampColumn())).cast(DataTypes.LongType)).as(T));
        for (int m = 0; m < mCount; m++) {
            String name = metrics.get(m).name();
            Column raw = present.contains(name) ? col(q(name)).cast(DataTypes.DoubleType) : lit(null).cast(DataTypes.DoubleType);
            // NaN and infinities are missing, as in the Java executions; null is Spark's missing for the aggregates.
            base.add(when(raw.isNotNull().and(not(isnan(raw))).and(abs(raw).notEqual(lit(Double.POSITIVE_INFINITY))), raw)
                    .as(metricColumn(m)));
        }
        for (int c = 0; c < carry.size(); c++) {
            base.add(col(q(carry.get(c))).as(carryColumn(c)));
        }
        base.add(monotonically_increasing_id().as(SEQ));
        Dataset<Row> in = samples.select(base.toArray(Column[]::new));

        Dataset<Row> keyed = in.filter(col(I).isNotNull().and(col(T).isNotNull()));
        Dataset<Row> noKey = in.filter(col(I).isNull().or(col(T).isNull()));

        WindowSpec byTime = org.apache.spark.sql.expressions.Window.partitionBy(I).orderBy(col(T), col(SEQ));
        Dataset<Row> rejected = rejectedRows(noKey, NO_KEY_REASON, carry);
        Dataset<Row> accepted = keyed;
        if (spec.duplicates() == DuplicatePolicy.REJECT) {
            Dataset<Row> marked = keyed.withColumn("_ao_dup", coalesce(lag(col(T), 1).over(byTime).equalTo(col(T)), lit(false)));
            accepted = marked.filter(not(col("_ao_dup"))).drop("_ao_dup");
            rejected = rejected.unionByName(rejectedRows(marked.filter(col("_ao_dup")).drop("_ao_dup"),
                    Outcome.DUPLICATE.reason(), carry));
        }

        // Segments (state resets) and steps.
        Column gap = col(T).minus(lag(col(T), 1).over(byTime));
        long maxGapMs = spec.maxGap().map(d -> d.toMillis()).orElse(Long.MAX_VALUE);
        Column reset = gap.isNull();
        if (spec.gap() != GapPolicy.IGNORE && spec.maxGap().isPresent()) {
            reset = reset.or(gap.gt(lit(maxGapMs)));
        }
        Dataset<Row> stepped = accepted.withColumn("_ao_gap", gap).withColumn("_ao_reset", when(reset, 1).otherwise(0));
        if (spec.gap() == GapPolicy.FILL) {
            long interval = spec.interval().orElseThrow().toMillis();
            // Steps on the interval grid, rounded to the nearest; more missing steps than the history holds change
            // nothing further, so they are capped as the Java state caps them.
            Column steps = expr("(_ao_gap + " + (interval / 2) + ") div " + interval);
            stepped = stepped.withColumn(INC, when(col("_ao_reset").equalTo(1), lit(1L))
                    .otherwise(greatest(lit(1L), least(steps, lit((long) history + 2)))));
        } else {
            stepped = stepped.withColumn(INC, lit(1L));
        }
        // Segments and steps in the same order as the duplicates and gaps (no new sort): a step is the running count of
        // grid steps since the instance's latest reset.
        WindowSpec running = byTime.rowsBetween(org.apache.spark.sql.expressions.Window.unboundedPreceding(),
                org.apache.spark.sql.expressions.Window.currentRow());
        stepped = stepped.select(col("*"), sum(col("_ao_reset")).over(running).as(SEGMENT),
                sum(col(INC)).over(running).as("_ao_cumulative"));
        stepped = stepped.withColumn(STEP, col("_ao_cumulative").minus(
                        max(when(col("_ao_reset").equalTo(1), col("_ao_cumulative"))).over(running)))
                .withColumn(REAL, lit(true));

        List<String> keep = new ArrayList<>(List.of(I, T, SEQ, SEGMENT, STEP, REAL));
        for (int m = 0; m < mCount; m++) {
            keep.add(metricColumn(m));
        }
        for (int c = 0; c < carry.size(); c++) {
            keep.add(carryColumn(c));
        }
        Dataset<Row> all = stepped.select(keep.stream().map(c -> col(c)).toArray(Column[]::new));
        if (spec.gap() == GapPolicy.FILL) {
            List<Column> synthetic = new ArrayList<>();
            synthetic.add(col(I));
            synthetic.add(lit(null).cast(DataTypes.LongType).as(T));
            synthetic.add(lit(null).cast(DataTypes.LongType).as(SEQ));
            synthetic.add(col(SEGMENT));
            synthetic.add(explode(sequence(col(STEP).minus(col(INC)).plus(1), col(STEP).minus(1))).as(STEP));
            synthetic.add(lit(false).as(REAL));
            for (int m = 0; m < mCount; m++) {
                synthetic.add(lit(null).cast(DataTypes.DoubleType).as(metricColumn(m)));
            }
            for (int c = 0; c < carry.size(); c++) {
                synthetic.add(lit(null).cast(samples.schema().apply(carry.get(c)).dataType()).as(carryColumn(c)));
            }
            Dataset<Row> gaps = stepped.filter(col(INC).gt(1)).select(synthetic.toArray(Column[]::new));
            all = all.unionByName(gaps);
        }

        // Without FILL every row is a step, in the order already sorted for the segments: the lags and the fill policy
        // run over the instance's rows and are kept within the segment (STEP >= k; the last present value's segment).
        // FILL adds rows, which need a sort by step.
        WindowSpec bySteps = spec.gap() == GapPolicy.FILL
                ? org.apache.spark.sql.expressions.Window.partitionBy(I, SEGMENT).orderBy(STEP) : byTime;
        WindowSpec stepsSoFar = bySteps.rowsBetween(org.apache.spark.sql.expressions.Window.unboundedPreceding(),
                org.apache.spark.sql.expressions.Window.currentRow());
        // The metric values after the fill policy: what the Java state keeps in its history ring.
        List<Column> filledCols = new ArrayList<>(List.of(col(I), col(T), col(SEQ), col(SEGMENT), col(STEP), col(REAL)));
        for (int m = 0; m < mCount; m++) {
            Column x = col(metricColumn(m));
            if (metrics.get(m).fill() == FillPolicy.PREVIOUS) {
                Column lastSegment = last(when(x.isNotNull(), col(SEGMENT)), true).over(stepsSoFar);
                x = when(lastSegment.equalTo(col(SEGMENT)), last(x, true).over(stepsSoFar));
            }
            filledCols.add(x.as(metricColumn(m)));
        }
        for (int c = 0; c < carry.size(); c++) {
            filledCols.add(col(carryColumn(c)));
        }
        Dataset<Row> filled = all.select(filledCols.toArray(Column[]::new));

        // Feature columns are computed stage by stage, each as a float column named after its schema position
        // (_ao_f<i>), so that the rows carried through the later sorts stay narrow.
        List<String> names = spec.schema().names();
        Map<String, Integer> position = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            position.put(names.get(i), i);
        }
        List<String> done = new ArrayList<>();
        // Raw values, lags, differences and rates of change: the step order of the fill stage, no new sort.
        List<Column> stepCols = new ArrayList<>(List.of(col("*")));
        for (int m = 0; m < mCount; m++) {
            String name = metrics.get(m).name();
            Column x = col(metricColumn(m));
            if (spec.raw()) {
                stepCols.add(feature(x, name, position, done));
            }
            for (int k : spec.lags()) {
                stepCols.add(feature(lagInSegment(x, k, bySteps), name + "_lag_" + k, position, done));
            }
            for (int k : spec.diffs()) {
                stepCols.add(feature(x.minus(lagInSegment(x, k, bySteps)), name + "_diff_" + k, position, done));
            }
            for (int k : spec.pctChanges()) {
                Column before = lagInSegment(x, k, bySteps);
                stepCols.add(feature(when(before.equalTo(0.0), lit(Double.NaN)).otherwise(x.minus(before).divide(before)),
                        name + "_pct_" + k, position, done));
            }
        }
        Dataset<Row> staged = filled.select(stepCols.toArray(Column[]::new));

        // Window statistics from block moments, the same operations in the same order as the Java executions'
        // RollingWindow (see its class comment): per window length L, steps fall into blocks of L; a window is the
        // prefix of its block (running frames, left to right) plus a suffix of the block before (running frames over
        // the reversed block, read L - 1 steps later with lag). Every frame is a running or whole-block one: O(1)
        // per row. Per length: one sort for the reversed block order, one for the block order (which the lag
        // shares), and the intermediate columns are dropped once the length's features are computed.
        Map<Integer, Set<Integer>> byLength = new java.util.TreeMap<>();
        Map<Integer, boolean[]> extremes = new java.util.TreeMap<>();
        for (Window w : spec.windows()) {
            int length = spec.lengthOf(w);
            for (int m = 0; m < mCount; m++) {
                if (spec.applies(w, metrics.get(m).name())) {
                    byLength.computeIfAbsent(length, k -> new java.util.TreeSet<>()).add(m);
                    boolean[] e = extremes.computeIfAbsent(length * 1024 + m, k -> new boolean[2]);
                    e[0] |= w.stats().contains(Stat.MIN);
                    e[1] |= w.stats().contains(Stat.MAX);
                }
            }
        }
        for (Map.Entry<Integer, Set<Integer>> e : byLength.entrySet()) {
            int length = e.getKey();
            String block = "_ao_b" + length;
            staged = staged.withColumn(block, expr(STEP + " div " + length));
            WindowSpec reversed = org.apache.spark.sql.expressions.Window.partitionBy(I, SEGMENT, block)
                    .orderBy(col(STEP).desc());
            WindowSpec forward = org.apache.spark.sql.expressions.Window.partitionBy(I, SEGMENT, block).orderBy(STEP);
            // The same order as forward (the block is a function of the step), so the lag needs no new sort.
            WindowSpec forwardSteps = org.apache.spark.sql.expressions.Window.partitionBy(I, SEGMENT).orderBy(block, STEP);
            List<String> intermediate = new ArrayList<>(List.of(block));
            // Shifts: the suffix's is the block's last present value, the prefix's its first one.
            List<Column> shifts = new ArrayList<>(List.of(col("*")));
            WindowSpec wholeBlock = reversed.rowsBetween(org.apache.spark.sql.expressions.Window.unboundedPreceding(),
                    org.apache.spark.sql.expressions.Window.unboundedFollowing());
            for (int m : e.getValue()) {
                shifts.add(first(col(metricColumn(m)), true).over(wholeBlock).as(moment(length, m, "a", "h")));
                shifts.add(last(col(metricColumn(m)), true).over(wholeBlock).as(moment(length, m, "b", "h")));
                intermediate.add(moment(length, m, "a", "h"));
                intermediate.add(moment(length, m, "b", "h"));
            }
            staged = staged.select(shifts.toArray(Column[]::new));
            for (String part : List.of("a", "b")) {
                WindowSpec upTo = (part.equals("a") ? reversed : forward).rowsBetween(
                        org.apache.spark.sql.expressions.Window.unboundedPreceding(),
                        org.apache.spark.sql.expressions.Window.currentRow());
                List<Column> sums = new ArrayList<>(List.of(col("*")));
                for (int m : e.getValue()) {
                    Column x = col(metricColumn(m));
                    Column y = x.minus(col(moment(length, m, part, "h")));
                    boolean[] x2 = extremes.get(length * 1024 + m);
                    for (String what : List.of("n", "s1", "s2", "min", "max")) {
                        Column value;
                        switch (what) {
                            case "n" -> value = count(x);
                            case "s1" -> value = sum(y);
                            case "s2" -> value = sum(y.multiply(y));
                            case "min" -> value = x2[0] ? min(x) : null;
                            default -> value = x2[1] ? max(x) : null;
                        }
                        if (value != null) {
                            sums.add(value.over(upTo).as(moment(length, m, part, what)));
                            intermediate.add(moment(length, m, part, what));
                        }
                    }
                }
                staged = staged.select(sums.toArray(Column[]::new));
            }
            // The suffix that completes each window: the previous block's, at the step just after the window's start.
            List<Column> lagged = new ArrayList<>(List.of(col("*")));
            for (int m : e.getValue()) {
                boolean[] x2 = extremes.get(length * 1024 + m);
                for (String what : List.of("n", "s1", "s2", "h", "min", "max")) {
                    if (what.equals("min") && !x2[0] || what.equals("max") && !x2[1]) {
                        continue;
                    }
                    lagged.add(lag(col(moment(length, m, "a", what)), length - 1).over(forwardSteps)
                            .as(moment(length, m, "prev", what)));
                    intermediate.add(moment(length, m, "prev", what));
                }
            }
            staged = staged.select(lagged.toArray(Column[]::new));
            List<Column> stats = new ArrayList<>(List.of(col("*")));
            for (int m : e.getValue()) {
                String name = metrics.get(m).name();
                BlockMoments bm = new BlockMoments(length, m);
                for (Window w : spec.windows()) {
                    if (spec.lengthOf(w) != length || !spec.applies(w, name)) {
                        continue;
                    }
                    Column ok = w.nan() == NanPolicy.PROPAGATE ? bm.n.equalTo(length) : bm.n.geq(w.minPeriods());
                    for (Stat stat : w.stats()) {
                        Column value = switch (stat) {
                            case MEAN -> when(ok.and(bm.n.gt(0)), bm.mean());
                            case STD -> when(ok.and(bm.n.geq(2)), bm.std());
                            case MIN -> when(ok, bm.extreme("min"));
                            case MAX -> when(ok, bm.extreme("max"));
                        };
                        stats.add(feature(value, name + "_" + stat.wireName() + "_" + w.label(), position, done));
                    }
                }
            }
            staged = staged.select(stats.toArray(Column[]::new)).drop(intermediate.toArray(String[]::new));
        }
        Map<String, Column> features = new LinkedHashMap<>();
        for (String name : done) {
            features.put(name, col(featureColumn(position.get(name))));
        }
        if (!spec.time().isEmpty()) {
            Column local = LocalCalendar.localMillis(col(T), spec.zone());
            Column days = functionsFloorDiv(local, 86_400_000L);
            Column dayOfWeek = functionsFloorMod(days.plus(3), 7).plus(1);
            for (TimeFeature t : TimeFeature.values()) {
                if (!spec.time().contains(t)) {
                    continue;
                }
                Column value = switch (t) {
                    case HOUR -> functionsFloorDiv(local.minus(days.multiply(86_400_000L)), 3_600_000L);
                    case DAY_OF_WEEK -> dayOfWeek;
                    case WEEKEND -> when(dayOfWeek.geq(6), 1).otherwise(0);
                };
                features.put(t.featureName(), value);
            }
        }
        List<String> expected = spec.schema().names();
        Map<String, Column> ordered = new LinkedHashMap<>();
        for (String name : expected) {
            Column c = features.get(name);
            if (c != null) {
                ordered.put(name, c);
            }
        }
        features = ordered;
        if (!new ArrayList<>(features.keySet()).equals(expected)) {
            throw new IllegalStateException("Spark feature columns " + features.keySet() + " differ from the schema " + expected);
        }
        List<Column> out = new ArrayList<>();
        out.add(col(I).as(spec.instanceColumn()));
        out.add(col(T).as(spec.timestampColumn()));
        out.add(col(REAL));
        features.forEach((name, value) -> out.add(coalesce(value.cast(DataTypes.FloatType), lit(Float.NaN))
                .as(name)));
        for (int c = 0; c < carry.size(); c++) {
            out.add(col(carryColumn(c)).as(carry.get(c)));
        }
        Dataset<Row> result = staged.select(out.toArray(Column[]::new)).filter(col(REAL)).drop(REAL);
        return new Result(result, rejected);
    }

    private Dataset<Row> rejectedRows(Dataset<Row> rows, String reason, List<String> carry) {
        List<Column> cols = new ArrayList<>();
        cols.add(col(I).as(spec.instanceColumn()));
        cols.add(col(T).as(spec.timestampColumn()));
        for (int m = 0; m < spec.metrics().size(); m++) {
            cols.add(col(metricColumn(m)).as(spec.metrics().get(m).name()));
        }
        for (int c = 0; c < carry.size(); c++) {
            cols.add(col(carryColumn(c)).as(carry.get(c)));
        }
        cols.add(lit(reason).as(REASON_COLUMN));
        return rows.select(cols.toArray(Column[]::new));
    }

    private static Column functionsFloorDiv(Column value, long divisor) {
        // Exact for epoch milliseconds: both operands are integers far below 2^53, so the double quotient only rounds
        // when it is not an integer, and never across one.
        return org.apache.spark.sql.functions.floor(value.divide(lit(divisor))).cast(DataTypes.LongType);
    }

    private static Column functionsFloorMod(Column value, long divisor) {
        return org.apache.spark.sql.functions.pmod(value, lit(divisor));
    }

    /** The value {@code k} steps back in the same segment (null before it). */
    private static Column lagInSegment(Column x, int k, WindowSpec bySteps) {
        return when(col(STEP).geq(k), lag(x, k).over(bySteps));
    }

    /** A feature as its final float column (NaN where undefined), named after its schema position. */
    private static Column feature(Column value, String name, Map<String, Integer> position, List<String> done) {
        Integer at = position.get(name);
        if (at == null) {
            throw new IllegalStateException("Spark feature \"" + name + "\" is not in the schema " + position.keySet());
        }
        done.add(name);
        return coalesce(value.cast(DataTypes.FloatType), lit(Float.NaN)).as(featureColumn(at));
    }

    private static String featureColumn(int at) {
        return "_ao_f" + at;
    }

    private static String moment(int length, int m, String part, String what) {
        return "_ao_w" + length + "_m" + m + "_" + part + "_" + what;
    }

    /**
     * One window's statistics from its two parts: {@code a}, the suffix of the previous block (empty when the
     * window starts at a block boundary or in the first block), and {@code b}, the prefix of the current block. The
     * operations and their order are those of the Java executions' RollingWindow, so the doubles are the same bits.
     */
    private static final class BlockMoments {
        final Column na;
        final Column nb;
        final Column n;
        final Column ha;
        final Column hb;
        final Column sa1;
        final Column sa2;
        final Column sb1;
        final Column sb2;
        final int length;
        final int m;
        final Column hasSuffix;

        BlockMoments(int length, int m) {
            this.length = length;
            this.m = m;
            // The window ending at position p of its block takes the previous block's suffix from position p + 1.
            this.hasSuffix = expr(STEP + " % " + length).lt(length - 1)
                    .and(col(moment(length, m, "prev", "n")).isNotNull());
            this.na = when(hasSuffix, col(moment(length, m, "prev", "n"))).otherwise(lit(0L));
            this.nb = col(moment(length, m, "b", "n"));
            this.n = na.plus(nb);
            this.ha = col(moment(length, m, "prev", "h"));
            this.hb = col(moment(length, m, "b", "h"));
            this.sa1 = col(moment(length, m, "prev", "s1"));
            this.sa2 = col(moment(length, m, "prev", "s2"));
            this.sb1 = coalesce(col(moment(length, m, "b", "s1")), lit(0.0));
            this.sb2 = coalesce(col(moment(length, m, "b", "s2")), lit(0.0));
        }

        private Column ma() {
            return sa1.divide(na.cast(DataTypes.DoubleType));
        }

        private Column mb() {
            return sb1.divide(nb.cast(DataTypes.DoubleType));
        }

        private Column total() {
            return na.cast(DataTypes.DoubleType).plus(nb.cast(DataTypes.DoubleType));
        }

        private Column delta() {
            return hb.minus(ha).plus(mb().minus(ma()));
        }

        Column mean() {
            return when(na.equalTo(0), hb.plus(mb()))
                    .when(nb.equalTo(0), ha.plus(ma()))
                    .otherwise(ha.plus(ma()).plus(delta().multiply(nb.cast(DataTypes.DoubleType).divide(total()))));
        }

        Column std() {
            Column m2a = nonNegative(sa2.minus(sa1.multiply(ma())));
            Column m2b = nonNegative(sb2.minus(sb1.multiply(mb())));
            Column both = m2a.plus(m2b).plus(delta().multiply(delta()).multiply(
                    na.cast(DataTypes.DoubleType).multiply(nb.cast(DataTypes.DoubleType)).divide(total())));
            Column m2 = when(na.equalTo(0), sb2.minus(sb1.multiply(mb())))
                    .when(nb.equalTo(0), sa2.minus(sa1.multiply(ma())))
                    .otherwise(both);
            return org.apache.spark.sql.functions.sqrt(nonNegative(m2).divide(n.minus(1).cast(DataTypes.DoubleType)));
        }

        Column extreme(String what) {
            Column prev = when(hasSuffix, col(moment(length, m, "prev", what)));
            Column current = col(moment(length, m, "b", what));
            // Exact either way; ties between equal values keep the earlier one, as the Java scan does.
            return what.equals("min") ? least(prev, current) : greatest(prev, current);
        }

        private static Column nonNegative(Column v) {
            return when(v.lt(0.0), lit(0.0)).otherwise(v);
        }
    }

    private static String carryColumn(int c) {
        return "_ao_c" + c;
    }

    private static String metricColumn(int m) {
        return "_ao_m" + m;
    }

    /** Quotes a column name for Spark's parser (names may hold dots or dashes). */
    private static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * The outcome of a Spark feature run: lazy datasets, computed when written or collected.
     *
     * @param features accepted samples' feature rows: instance, timestamp (epoch ms), then one float column per
     *        feature in schema order
     * @param rejected rejected samples with their metric values and a {@value #REASON_COLUMN} column
     */
    public record Result(Dataset<Row> features, Dataset<Row> rejected) {
        /** Checks presence. */
        public Result {
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(rejected, "rejected");
        }
    }
}
