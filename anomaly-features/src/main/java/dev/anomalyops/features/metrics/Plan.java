package dev.anomalyops.features.metrics;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FeatureSpec} compiled to output offsets and per-step rules. Immutable; shared by every instance state
 * of an execution. The online and batch executions both drive {@link InstanceState} through this plan, which is
 * why their rows are bit-for-bit identical.
 */
final class Plan {
    final FeatureSpec spec;
    final int width;
    final MetricPlan[] metrics;
    final int hourAt;
    final int dayAt;
    final int weekendAt;
    final GapPolicy gap;
    final long intervalMs;
    final long maxGapMs;
    final boolean rejectDuplicates;
    final int history;
    private final ZoneRules rules;
    private final long fixedOffsetMs;
    private final boolean fixedOffset;

    /** @param spec the spec to compile */
    public Plan(FeatureSpec spec) {
        this.spec = spec;
        this.width = spec.schema().size();
        List<MetricSpec> ms = spec.metrics();
        this.metrics = new MetricPlan[ms.size()];
        int maxHistory = 1;
        for (int i = 0; i < ms.size(); i++) {
            MetricSpec m = ms.get(i);
            String name = m.name();
            int rawAt = spec.raw() ? spec.schema().requireIndex(name) : -1;
            List<WindowPlan> windows = new ArrayList<>();
            for (Window w : spec.windows()) {
                if (!spec.applies(w, name)) {
                    continue;
                }
                int length = spec.lengthOf(w);
                maxHistory = Math.max(maxHistory, length);
                windows.add(new WindowPlan(length, w.nan() == NanPolicy.PROPAGATE, w.minPeriods(),
                        at(spec, w, Stat.MEAN, name), at(spec, w, Stat.STD, name),
                        at(spec, w, Stat.MIN, name), at(spec, w, Stat.MAX, name)));
            }
            int[] lags = steps(spec.lags());
            int[] diffs = steps(spec.diffs());
            int[] pcts = steps(spec.pctChanges());
            for (int[] ks : new int[][] {lags, diffs, pcts}) {
                for (int k : ks) {
                    maxHistory = Math.max(maxHistory, k);
                }
            }
            metrics[i] = new MetricPlan(m.fill() == FillPolicy.PREVIOUS, rawAt, windows.toArray(new WindowPlan[0]),
                    lags, offsets(spec, name, "_lag_", lags), diffs, offsets(spec, name, "_diff_", diffs),
                    pcts, offsets(spec, name, "_pct_", pcts));
        }
        this.history = maxHistory;
        this.hourAt = spec.time().contains(TimeFeature.HOUR) ? spec.schema().requireIndex(TimeFeature.HOUR.featureName()) : -1;
        this.dayAt = spec.time().contains(TimeFeature.DAY_OF_WEEK)
                ? spec.schema().requireIndex(TimeFeature.DAY_OF_WEEK.featureName()) : -1;
        this.weekendAt = spec.time().contains(TimeFeature.WEEKEND)
                ? spec.schema().requireIndex(TimeFeature.WEEKEND.featureName()) : -1;
        this.gap = spec.gap();
        this.intervalMs = spec.interval().map(d -> d.toMillis()).orElse(0L);
        this.maxGapMs = spec.maxGap().map(d -> d.toMillis()).orElse(Long.MAX_VALUE);
        this.rejectDuplicates = spec.duplicates() == DuplicatePolicy.REJECT;
        ZoneId zone = spec.zone();
        this.rules = zone.getRules();
        this.fixedOffset = rules.isFixedOffset();
        this.fixedOffsetMs = fixedOffset ? rules.getOffset(Instant.EPOCH).getTotalSeconds() * 1000L : 0L;
    }

    /** @return the spec this plan was compiled from */
    public FeatureSpec spec() {
        return spec;
    }

    /** @return the row width */
    public int width() {
        return width;
    }

    /** @return a fresh, empty per-instance state */
    public InstanceState newState() {
        return new InstanceState(this);
    }

    /** @return the approximate bytes one instance's state holds (bounded by the spec, not by the data) */
    public long bytesPerInstance() {
        return newState().bytes();
    }

    long localMillis(long epochMillis) {
        if (fixedOffset) {
            return epochMillis + fixedOffsetMs;
        }
        return epochMillis + rules.getOffset(Instant.ofEpochMilli(epochMillis)).getTotalSeconds() * 1000L;
    }

    private static int at(FeatureSpec spec, Window w, Stat stat, String metric) {
        return w.stats().contains(stat) ? spec.schema().requireIndex(metric + "_" + stat.wireName() + "_" + w.label()) : -1;
    }

    private static int[] steps(List<Integer> ks) {
        return ks.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] offsets(FeatureSpec spec, String metric, String infix, int[] ks) {
        int[] at = new int[ks.length];
        for (int i = 0; i < ks.length; i++) {
            at[i] = spec.schema().requireIndex(metric + infix + ks[i]);
        }
        return at;
    }

    record WindowPlan(int length, boolean propagate, int minPeriods, int meanAt, int stdAt, int minAt, int maxAt) {}

    record MetricPlan(boolean fillPrevious, int rawAt, WindowPlan[] windows, int[] lags, int[] lagAt, int[] diffs,
            int[] diffAt, int[] pcts, int[] pctAt) {}
}
