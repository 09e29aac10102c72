package dev.anomalyops.spark;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
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
import static org.apache.spark.sql.functions.stddev_samp;
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
 * DataFrame window functions ({@code avg}, {@code stddev_samp}, {@code min}, {@code max}, {@code count},
 * {@code lag}, {@code last}) partitioned by instance, so that the work spreads over the cluster by instance. It
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
 *   <li>Statistics are computed in double precision and rounded to float32, as in the Java executions.</li>
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
        WindowSpec running = org.apache.spark.sql.expressions.Window.partitionBy(I).orderBy(col(T), col(SEQ))
                .rowsBetween(org.apache.spark.sql.expressions.Window.unboundedPreceding(),
                        org.apache.spark.sql.expressions.Window.currentRow());
        stepped = stepped.withColumn(SEGMENT, sum(col("_ao_reset")).over(running));
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
        WindowSpec runningInSegment = org.apache.spark.sql.expressions.Window.partitionBy(I, SEGMENT).orderBy(col(T), col(SEQ))
                .rowsBetween(org.apache.spark.sql.expressions.Window.unboundedPreceding(),
                        org.apache.spark.sql.expressions.Window.currentRow());
        stepped = stepped.withColumn(STEP, sum(col(INC)).over(runningInSegment).minus(1))
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

        WindowSpec bySteps = org.apache.spark.sql.expressions.Window.partitionBy(I, SEGMENT).orderBy(STEP);
        // The metric values after the fill policy: what the Java state keeps in its history ring.
        List<Column> filledCols = new ArrayList<>(List.of(col(I), col(T), col(SEGMENT), col(STEP), col(REAL)));
        for (int m = 0; m < mCount; m++) {
            Column x = col(metricColumn(m));
            if (metrics.get(m).fill() == FillPolicy.PREVIOUS) {
                x = last(x, true).over(bySteps.rowsBetween(org.apache.spark.sql.expressions.Window.unboundedPreceding(),
                        org.apache.spark.sql.expressions.Window.currentRow()));
            }
            filledCols.add(x.as(metricColumn(m)));
        }
        for (int c = 0; c < carry.size(); c++) {
            filledCols.add(col(carryColumn(c)));
        }
        Dataset<Row> filled = all.select(filledCols.toArray(Column[]::new));

        Map<String, Column> features = new LinkedHashMap<>();
        for (int m = 0; m < mCount; m++) {
            String name = metrics.get(m).name();
            Column x = col(metricColumn(m));
            if (spec.raw()) {
                features.put(name, x);
            }
            for (Window w : spec.windows()) {
                if (!spec.applies(w, name)) {
                    continue;
                }
                int length = spec.lengthOf(w);
                WindowSpec frame = bySteps.rowsBetween(-(length - 1), 0);
                Column n = count(x).over(frame);
                Column ok = w.nan() == NanPolicy.PROPAGATE
                        ? col(STEP).plus(1).geq(length).and(n.equalTo(length))
                        : n.geq(w.minPeriods());
                for (Stat stat : w.stats()) {
                    String feature = name + "_" + stat.wireName() + "_" + w.label();
                    Column value = switch (stat) {
                        case MEAN -> when(ok, avg(x).over(frame));
                        case STD -> when(ok.and(n.geq(2)), stddev_samp(x).over(frame));
                        case MIN -> when(ok, min(x).over(frame));
                        case MAX -> when(ok, max(x).over(frame));
                    };
                    features.put(feature, value);
                }
            }
            for (int k : spec.lags()) {
                features.put(name + "_lag_" + k, lag(x, k).over(bySteps));
            }
            for (int k : spec.diffs()) {
                features.put(name + "_diff_" + k, x.minus(lag(x, k).over(bySteps)));
            }
            for (int k : spec.pctChanges()) {
                Column before = lag(x, k).over(bySteps);
                features.put(name + "_pct_" + k, when(before.equalTo(0.0), lit(Double.NaN))
                        .otherwise(x.minus(before).divide(before)));
            }
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
        Dataset<Row> result = filled.select(out.toArray(Column[]::new)).filter(col(REAL)).drop(REAL);
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
