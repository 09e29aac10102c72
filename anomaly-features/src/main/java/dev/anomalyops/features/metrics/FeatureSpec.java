package dev.anomalyops.features.metrics;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.Feature;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.NonFinitePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A declarative definition of metric features, the one source of truth for training and serving. It names the
 * source metrics, the rolling windows and their statistics, lags, rates of change and calendar features, and the
 * policies for gaps, duplicates and missing values. {@link #schema()} is the {@link FeatureSchema} its rows follow;
 * feature names are derived from the spec, so the same spec always gives the same names in the same order:
 *
 * <pre>
 * for each metric m, in spec order:
 *   m                          (when raw is on)
 *   m_&lt;stat&gt;_&lt;window&gt;          for each window that applies to m, each of its stats (e.g. cpu_std_15, cpu_max_1h)
 *   m_lag_&lt;k&gt;, m_diff_&lt;k&gt;, m_pct_&lt;k&gt;
 * then hour_of_day, day_of_week, is_weekend (those requested)
 * </pre>
 *
 * <p>Semantics, shared by {@link OnlineFeatures} and {@link BatchFeatures} (which give bit-for-bit identical
 * rows):
 * <ul>
 *   <li>Per instance, samples are taken in timestamp order. A sample older than the instance's last accepted one
 *       is rejected as late; a sample with the same timestamp follows the {@link DuplicatePolicy}. Rejected samples
 *       change no state and are reported, never silently dropped.</li>
 *   <li>Each accepted sample is one step, except under {@link GapPolicy#FILL} where missing intervals add missing
 *       steps first. A gap longer than {@code maxGap} (with {@code FILL} or {@code RESET}) resets the instance.</li>
 *   <li>NaN and infinite inputs are missing. {@link FillPolicy} per metric may fill them; each window's
 *       {@link NanPolicy} decides what a missing step does to its statistics.</li>
 *   <li>Lag {@code k} is the value {@code k} steps back; diff {@code k} is {@code x[t] - x[t-k]}; pct {@code k} is
 *       {@code (x[t] - x[t-k]) / x[t-k]}. Each is NaN when an operand is missing, the history is shorter than
 *       {@code k}, or (pct) the denominator is 0.</li>
 *   <li>Mean and variance are computed in double precision with Welford's update, and re-anchored with an exact
 *       two-pass computation over the window every {@code length} updates, so rounding error cannot accumulate
 *       (no catastrophic cancellation on large offsets). Values are rounded to float32 at the end.</li>
 * </ul>
 *
 * <pre>{@code
 * FeatureSpec spec = FeatureSpec.builder("ec2")
 *         .metrics("cpu", "network_in")
 *         .window(Window.ofSamples(5, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
 *         .lags(1, 5, 15).diffs(1).pctChanges(1)
 *         .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND)
 *         .build();
 * FeatureSpec same = FeatureSpec.fromYaml(spec.toYaml());
 * }</pre>
 */
public final class FeatureSpec {
    /** The longest window or lag accepted, in steps: it bounds the memory each instance holds. */
    public static final int MAX_HISTORY = 100_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/\\-]{1,128}");

    private final String name;
    private final String instanceColumn;
    private final String timestampColumn;
    private final List<MetricSpec> metrics;
    private final boolean raw;
    private final List<Window> windows;
    private final List<Integer> lags;
    private final List<Integer> diffs;
    private final List<Integer> pctChanges;
    private final Set<TimeFeature> time;
    private final ZoneId zone;
    private final Optional<Duration> interval;
    private final GapPolicy gap;
    private final Optional<Duration> maxGap;
    private final DuplicatePolicy duplicates;
    private final FeatureSchema schema;

    private FeatureSpec(Builder b, FeatureSchema schema) {
        this.name = b.name;
        this.instanceColumn = b.instanceColumn;
        this.timestampColumn = b.timestampColumn;
        this.metrics = List.copyOf(b.metrics);
        this.raw = b.raw;
        this.windows = List.copyOf(b.windows);
        this.lags = List.copyOf(b.lags);
        this.diffs = List.copyOf(b.diffs);
        this.pctChanges = List.copyOf(b.pctChanges);
        this.time = b.time.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(b.time));
        this.zone = b.zone;
        this.interval = b.interval;
        this.gap = b.gap;
        this.maxGap = b.maxGap;
        this.duplicates = b.duplicates;
        this.schema = schema;
    }

    /**
     * @param name the spec's name (recorded with models trained on its rows)
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * @param yaml a spec in YAML (the format is in {@code docs/features.md})
     * @return the spec
     * @throws ConfigurationException listing every problem found
     */
    public static FeatureSpec fromYaml(String yaml) {
        return SpecCodec.fromYaml(yaml);
    }

    /**
     * @param json a spec in JSON (same fields as YAML)
     * @return the spec
     * @throws ConfigurationException listing every problem found
     */
    public static FeatureSpec fromJson(String json) {
        return SpecCodec.fromJson(json);
    }

    /**
     * @param file a {@code .yaml}, {@code .yml} or {@code .json} file
     * @return the spec
     * @throws ConfigurationException when the file cannot be read or is invalid
     */
    public static FeatureSpec read(Path file) {
        return SpecCodec.read(file);
    }

    /** @return this spec as YAML; {@link #fromYaml} gives an equal spec back */
    public String toYaml() {
        return SpecCodec.toYaml(this);
    }

    /** @return this spec as JSON; {@link #fromJson} gives an equal spec back */
    public String toJson() {
        return SpecCodec.toJson(this);
    }

    /** @return a builder holding this spec's settings */
    public Builder toBuilder() {
        Builder b = new Builder(name).instanceColumn(instanceColumn).timestampColumn(timestampColumn).raw(raw)
                .zone(zone).gap(gap).duplicates(duplicates);
        metrics.forEach(b::metric);
        windows.forEach(b::window);
        lags.forEach(b::lags);
        diffs.forEach(b::diffs);
        pctChanges.forEach(b::pctChanges);
        time.forEach(b::time);
        interval.ifPresent(b::interval);
        maxGap.ifPresent(b::maxGap);
        return b;
    }

    /** @return the spec's name */
    public String name() {
        return name;
    }

    /** @return the input column that identifies the instance (default {@code instance}) */
    public String instanceColumn() {
        return instanceColumn;
    }

    /** @return the input column with the sample time (default {@code timestamp}) */
    public String timestampColumn() {
        return timestampColumn;
    }

    /** @return the source metrics in order */
    public List<MetricSpec> metrics() {
        return metrics;
    }

    /** @return the source metric names in order (a new list) */
    public List<String> metricNames() {
        List<String> names = new ArrayList<>(metrics.size());
        for (MetricSpec metric : metrics) {
            names.add(metric.name());
        }
        return names;
    }

    /** @return whether each metric's current value is a feature */
    public boolean raw() {
        return raw;
    }

    /** @return the windows in order */
    public List<Window> windows() {
        return windows;
    }

    /** @return the lags in steps, ascending */
    public List<Integer> lags() {
        return lags;
    }

    /** @return the first-difference distances in steps, ascending */
    public List<Integer> diffs() {
        return diffs;
    }

    /** @return the percentage-change distances in steps, ascending */
    public List<Integer> pctChanges() {
        return pctChanges;
    }

    /** @return the calendar features requested */
    public Set<TimeFeature> time() {
        return time;
    }

    /** @return the zone calendar features are computed in (default UTC) */
    public ZoneId zone() {
        return zone;
    }

    /** @return the sampling interval, when the spec has one */
    public Optional<Duration> interval() {
        return interval;
    }

    /** @return the gap policy */
    public GapPolicy gap() {
        return gap;
    }

    /** @return the longest gap that keeps an instance's state, when set */
    public Optional<Duration> maxGap() {
        return maxGap;
    }

    /** @return the duplicate-timestamp policy */
    public DuplicatePolicy duplicates() {
        return duplicates;
    }

    /** @return the schema of the rows this spec produces */
    public FeatureSchema schema() {
        return schema;
    }

    /**
     * @param window one of this spec's windows
     * @return its length in steps
     */
    public int lengthOf(Window window) {
        if (window.duration().isPresent()) {
            return (int) (window.duration().get().toMillis() / interval.orElseThrow().toMillis());
        }
        return window.samples();
    }

    /**
     * @param window one of this spec's windows
     * @param metric one of this spec's metric names
     * @return whether the window applies to that metric
     */
    public boolean applies(Window window, String metric) {
        return window.metrics().isEmpty() || window.metrics().contains(metric);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSpec that && name.equals(that.name) && instanceColumn.equals(that.instanceColumn)
                && timestampColumn.equals(that.timestampColumn) && metrics.equals(that.metrics) && raw == that.raw
                && windows.equals(that.windows) && lags.equals(that.lags) && diffs.equals(that.diffs)
                && pctChanges.equals(that.pctChanges) && time.equals(that.time) && zone.equals(that.zone)
                && interval.equals(that.interval) && gap == that.gap && maxGap.equals(that.maxGap)
                && duplicates == that.duplicates;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, metrics, windows, lags, diffs, pctChanges, time, interval, gap);
    }

    @Override
    public String toString() {
        return "FeatureSpec[" + name + ", " + metrics.size() + " metrics, " + schema.size() + " features]";
    }

    /** Collects a spec's settings; {@link #build()} checks them all at once. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private String instanceColumn = "instance";
        private String timestampColumn = "timestamp";
        private final List<MetricSpec> metrics = new ArrayList<>();
        private boolean raw;
        private final List<Window> windows = new ArrayList<>();
        private final Set<Integer> lags = new TreeSet<>();
        private final Set<Integer> diffs = new TreeSet<>();
        private final Set<Integer> pctChanges = new TreeSet<>();
        private final Set<TimeFeature> time = new LinkedHashSet<>();
        private ZoneId zone = ZoneId.of("UTC");
        private Optional<Duration> interval = Optional.empty();
        private GapPolicy gap = GapPolicy.IGNORE;
        private Optional<Duration> maxGap = Optional.empty();
        private DuplicatePolicy duplicates = DuplicatePolicy.REJECT;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** @param column the instance column name @return this builder */
        public Builder instanceColumn(String column) {
            this.instanceColumn = Objects.requireNonNull(column, "column");
            return this;
        }

        /** @param column the timestamp column name @return this builder */
        public Builder timestampColumn(String column) {
            this.timestampColumn = Objects.requireNonNull(column, "column");
            return this;
        }

        /** @param names required metrics whose missing steps stay missing @return this builder */
        public Builder metrics(String... names) {
            for (String n : names) {
                metric(MetricSpec.of(n));
            }
            return this;
        }

        /** @param metric a source metric @return this builder */
        public Builder metric(MetricSpec metric) {
            metrics.add(Objects.requireNonNull(metric, "metric"));
            return this;
        }

        /** @param include whether each metric's current value is a feature @return this builder */
        public Builder raw(boolean include) {
            this.raw = include;
            return this;
        }

        /** @param window a window @return this builder */
        public Builder window(Window window) {
            windows.add(Objects.requireNonNull(window, "window"));
            return this;
        }

        /** @param steps lags in steps @return this builder */
        public Builder lags(int... steps) {
            for (int k : steps) {
                lags.add(k);
            }
            return this;
        }

        /** @param steps first-difference distances @return this builder */
        public Builder diffs(int... steps) {
            for (int k : steps) {
                diffs.add(k);
            }
            return this;
        }

        /** @param steps percentage-change distances @return this builder */
        public Builder pctChanges(int... steps) {
            for (int k : steps) {
                pctChanges.add(k);
            }
            return this;
        }

        /** @param features calendar features @return this builder */
        public Builder time(TimeFeature... features) {
            time.addAll(List.of(features));
            return this;
        }

        /** @param zoneId zone for calendar features @return this builder */
        public Builder zone(ZoneId zoneId) {
            this.zone = Objects.requireNonNull(zoneId, "zone");
            return this;
        }

        /** @param step the sampling interval @return this builder */
        public Builder interval(Duration step) {
            this.interval = Optional.of(step);
            return this;
        }

        /** @param policy the gap policy @return this builder */
        public Builder gap(GapPolicy policy) {
            this.gap = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** @param longest the longest gap that keeps state @return this builder */
        public Builder maxGap(Duration longest) {
            this.maxGap = Optional.of(longest);
            return this;
        }

        /** @param policy the duplicate policy @return this builder */
        public Builder duplicates(DuplicatePolicy policy) {
            this.duplicates = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @return the spec
         * @throws ConfigurationException listing every problem found
         */
        public FeatureSpec build() {
            List<String> problems = new ArrayList<>();
            if (!NAME.matcher(name).matches()) {
                problems.add("Spec name \"" + name + "\" must be 1 to 128 letters, digits or _ . : / -");
            }
            for (String column : List.of(instanceColumn, timestampColumn)) {
                if (!NAME.matcher(column).matches()) {
                    problems.add("Column name \"" + column + "\" must be 1 to 128 letters, digits or _ . : / -");
                }
            }
            if (instanceColumn.equals(timestampColumn)) {
                problems.add("The instance and timestamp columns must differ but both are \"" + instanceColumn + "\"");
            }
            if (metrics.isEmpty()) {
                problems.add("A feature spec needs at least one metric but has none");
            }
            Set<String> metricNames = new HashSet<>();
            Set<String> repeated = new HashSet<>();
            for (MetricSpec metric : metrics) {
                if (!NAME.matcher(metric.name()).matches()) {
                    problems.add("Metric name \"" + metric.name() + "\" must be 1 to 128 letters, digits or _ . : / -");
                }
                // One problem per repeated name, however often it repeats (a spec listing "cpu" 100,000 times
                // must not give a message of 100,000 lines).
                if (!metricNames.add(metric.name()) && repeated.add(metric.name())) {
                    problems.add("Metric \"" + metric.name() + "\" is listed twice");
                }
                if (metric.name().equals(instanceColumn) || metric.name().equals(timestampColumn)) {
                    problems.add("Metric \"" + metric.name() + "\" has the name of the instance or timestamp column");
                }
            }
            if (interval.isPresent() && (interval.get().isNegative() || interval.get().isZero()
                    || interval.get().toMillis() == 0)) {
                problems.add("The interval must be at least 1 ms but was " + interval.get());
            }
            if (maxGap.isPresent() && maxGap.get().toMillis() <= 0) {
                problems.add("maxGap must be at least 1 ms but was " + maxGap.get());
            }
            if (gap == GapPolicy.FILL && interval.isEmpty()) {
                problems.add("Gap policy \"fill\" needs an interval (the grid missing steps are counted on) but none is set");
            }
            if (gap == GapPolicy.RESET && maxGap.isEmpty()) {
                problems.add("Gap policy \"reset\" needs maxGap (the longest gap that keeps state) but none is set");
            }
            for (int i = 0; i < windows.size(); i++) {
                checkWindow(windows.get(i), i, metricNames, problems);
            }
            checkSteps("Lag", lags, problems);
            checkSteps("Diff", diffs, problems);
            checkSteps("Pct change", pctChanges, problems);
            FeatureSchema schema = null;
            if (problems.isEmpty()) {
                List<Feature> features = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                for (MetricSpec metric : metrics) {
                    String m = metric.name();
                    if (raw) {
                        features.add(Feature.of(m));
                    }
                    for (Window window : windows) {
                        if (window.metrics().isEmpty() || window.metrics().contains(m)) {
                            for (Stat stat : window.stats()) {
                                features.add(Feature.of(m + "_" + stat.wireName() + "_" + window.label()));
                            }
                        }
                    }
                    lags.forEach(k -> features.add(Feature.of(m + "_lag_" + k)));
                    diffs.forEach(k -> features.add(Feature.of(m + "_diff_" + k)));
                    pctChanges.forEach(k -> features.add(Feature.of(m + "_pct_" + k)));
                }
                for (TimeFeature t : EnumSet.copyOf(time.isEmpty() ? EnumSet.noneOf(TimeFeature.class) : time)) {
                    features.add(Feature.of(t.featureName(), NonFinitePolicy.REJECT));
                }
                for (Feature f : features) {
                    if (!seen.add(f.name())) {
                        problems.add("Feature name \"" + f.name() + "\" is produced twice (rename a metric or drop a"
                                + " duplicate window)");
                    }
                }
                if (features.isEmpty()) {
                    problems.add("The spec produces no feature: add raw, a window, a lag, a diff, a pct change or a time feature");
                }
                if (problems.isEmpty()) {
                    schema = FeatureSchema.of(features);
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new FeatureSpec(this, schema);
        }

        private void checkWindow(Window w, int index, Set<String> metricNames, List<String> problems) {
            String where = "Window " + (index + 1);
            int length = w.samples();
            if (w.duration().isPresent()) {
                Duration d = w.duration().get();
                if (w.samples() != 0) {
                    problems.add(where + " gives both samples (" + w.samples() + ") and a duration (" + d + "); give one");
                }
                if (interval.isEmpty() || gap != GapPolicy.FILL) {
                    problems.add(where + " is a duration (" + DurationText.format(d) + ") and needs an interval and"
                            + " gap policy \"fill\", so that a step is one interval");
                    return;
                }
                long step = interval.get().toMillis();
                if (step <= 0 || d.toMillis() <= 0 || d.toMillis() % step != 0) {
                    problems.add(where + " lasts " + DurationText.format(d) + ", which is not a whole number of intervals ("
                            + DurationText.format(interval.get()) + ")");
                    return;
                }
                length = (int) Math.min(Integer.MAX_VALUE, d.toMillis() / step);
            }
            if (length < 1 || length > MAX_HISTORY) {
                problems.add(where + " must span 1 to " + MAX_HISTORY + " steps but spans " + length);
            }
            if (w.stats().isEmpty()) {
                problems.add(where + " (" + w.label() + ") has no statistics");
            }
            if (new HashSet<>(w.stats()).size() != w.stats().size()) {
                problems.add(where + " (" + w.label() + ") lists a statistic twice: " + w.stats());
            }
            if (w.stats().contains(Stat.STD) && length < 2) {
                problems.add(where + " asks for std over " + length + " step; it needs at least 2");
            }
            if (w.minPeriods() < 1 || w.minPeriods() > Math.max(1, length)) {
                problems.add(where + " has minPeriods " + w.minPeriods() + "; expected 1 to " + length);
            }
            for (String m : w.metrics()) {
                if (!metricNames.contains(m)) {
                    problems.add(where + " names metric \"" + m + "\", which the spec does not list");
                }
            }
        }

        private static void checkSteps(String what, Set<Integer> steps, List<String> problems) {
            for (int k : steps) {
                if (k < 1 || k > MAX_HISTORY) {
                    problems.add(what + " " + k + " must be 1 to " + MAX_HISTORY + " steps");
                }
            }
        }
    }
}
