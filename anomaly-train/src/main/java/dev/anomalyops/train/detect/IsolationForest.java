package dev.anomalyops.train.detect;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.internal.IsolationTrees;
import dev.anomalyops.train.internal.Parallel;
import dev.anomalyops.train.internal.Quarantine;
import dev.anomalyops.train.internal.Quantiles;
import dev.anomalyops.train.internal.TopK;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Isolation Forest (Liu, Ting and Zhou, ICDM 2008) with scikit-learn's semantics, so that settings and
 * results carry over from {@code sklearn.ensemble.IsolationForest}:
 *
 * <ul>
 *   <li>{@code nEstimators} trees (default 100), each grown on {@code maxSamples} rows drawn without
 *       replacement ({@code auto} = {@code min(256, n)}, a count, or a fraction of the rows) and on
 *       {@code maxFeatures} features drawn without replacement (default all), to depth
 *       {@code ceil(log2 maxSamples)};
 *   <li>the score of a row is {@code s = 2^(-E[h(x)] / c(ψ))}, where {@code h} is the path length (edges plus
 *       {@code c(leaf size)}) and {@code c(ψ)} normalises by the average path length for {@code ψ} samples.
 *       {@code s} is the negation of scikit-learn's {@code score_samples};
 *   <li>{@code contamination} {@code auto} flags {@code s > 0.5}; a fraction {@code c} flags the share {@code c}
 *       of the training rows, with the threshold interpolated as {@code numpy.percentile} does for
 *       scikit-learn's {@code offset_};
 *   <li>{@code seed} plays {@code random_state}: equal seeds give identical forests, whatever the thread count.
 * </ul>
 *
 * <p>Fitting streams the source: one pass samples every tree's rows at once (reservoir sampling, so only
 * {@code trees × ψ} rows are held), one more pass scores the training rows when the contamination is a
 * fraction (keeping only the largest scores it needs), and a counting pass comes first when the source does
 * not know its size and {@code maxSamples} is a fraction. Trees are built and rows scored in parallel on
 * {@link Builder#threads(int)} threads or a caller's {@link Builder#executor(Executor)}.
 *
 * <p>Unlike scikit-learn, which rejects missing values, rows with NaN or infinite values are left out of
 * the fit (counted in the {@link FitReport}); at scoring time a NaN at a split follows both branches,
 * weighted by their training sample counts. Bootstrap sampling and {@code warm_start} are not offered.
 *
 * <pre>{@code
 * IsolationForestModel model = IsolationForest.builder()
 *         .contamination(0.05)
 *         .seed(42)
 *         .threads(4)
 *         .build()
 *         .fit(RowSource.of(batch));
 * double[] scores = new double[batch.rows()];
 * model.score(batch, scores);               // flagged: scores[i] >= model.threshold()
 * }</pre>
 */
public final class IsolationForest implements AnomalyDetector {
    /** The detector name recorded in bundles. */
    public static final String NAME = "isolation-forest";
    private static final Logger LOG = LoggerFactory.getLogger(IsolationForest.class);

    private final int trees;
    private final SubsetSize maxSamples;
    private final SubsetSize maxFeatures;
    private final Contamination contamination;
    private final long seed;
    private final SplitRule splitRule;
    private final int extensionLevel;
    private final Parallel parallel;

    private IsolationForest(Builder builder) {
        this.trees = builder.trees;
        this.maxSamples = builder.maxSamples;
        this.maxFeatures = builder.maxFeatures;
        this.contamination = builder.contamination;
        this.seed = builder.seed;
        this.splitRule = builder.splitRule;
        this.extensionLevel = builder.extensionLevel;
        this.parallel = new Parallel(builder.threads, builder.executor);
    }

    /** @return a builder with scikit-learn's defaults (100 trees, auto samples, all features, auto contamination) and seed 0 */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @return the number of trees */
    public int trees() {
        return trees;
    }

    /** @return rows per tree */
    public SubsetSize maxSamples() {
        return maxSamples;
    }

    /** @return features per tree */
    public SubsetSize maxFeatures() {
        return maxFeatures;
    }

    /** @return how the threshold is set */
    public Contamination contamination() {
        return contamination;
    }

    /** @return the random seed */
    public long seed() {
        return seed;
    }

    /** @return how trees cut */
    public SplitRule splitRule() {
        return splitRule;
    }

    @Override
    public IsolationForestModel fit(RowSource rows) {
        Objects.requireNonNull(rows, "rows");
        long started = System.nanoTime();
        FeatureSchema schema = rows.schema();
        int d = schema.size();
        if (d == 0) {
            throw new InputException("Cannot fit an Isolation Forest on rows without features");
        }
        long total;
        if (rows.size().isPresent()) {
            total = rows.size().getAsLong();
        } else {
            long[] count = {0};
            rows.forEachBatch((batch, first) -> count[0] += batch.rows());
            total = count[0];
        }
        int psi = maxSamples.resolve(total);
        int k = maxFeatures.resolve(d);
        if (maxSamples.kind() == SubsetSize.Kind.COUNT && maxSamples.value() > total) {
            LOG.warn("max_samples ({}) is greater than the number of rows ({}); using {} rows per tree, as scikit-learn does",
                    maxSamples, total, total);
        }

        SplittableRandom master = new SplittableRandom(seed);
        int[][] subsets = new int[trees][];
        SplittableRandom[] sampling = new SplittableRandom[trees];
        SplittableRandom[] growing = new SplittableRandom[trees];
        for (int t = 0; t < trees; t++) {
            SplittableRandom tree = master.split();
            sampling[t] = tree.split();
            growing[t] = tree.split();
            subsets[t] = chooseFeatures(d, k, tree);
        }

        Sampler sampler = new Sampler(psi, subsets, sampling, schema);
        rows.forEachBatch(sampler::accept);
        long used = sampler.valid;
        if (used < 2) {
            throw new InputException("Cannot fit an Isolation Forest on " + used + " usable rows (read " + sampler.read
                    + ", left out " + sampler.quarantine.count() + " with non-finite values); at least 2 are needed"
                    + (sampler.quarantine.count() == 0 ? "" : ", e.g. " + sampler.quarantine.samples().get(0)));
        }
        int samples = (int) Math.min(psi, used);
        int maxDepth = (int) Math.ceil(Math.log(Math.max(samples, 2)) / Math.log(2));
        IsolationTrees.Rule rule = splitRule == SplitRule.HYPERPLANE ? IsolationTrees.Rule.HYPERPLANE
                : IsolationTrees.Rule.AXIS_PARALLEL;
        IsolationTrees.Tree[] built = new IsolationTrees.Tree[trees];
        parallel.forEachChunk(trees, t -> built[t] = IsolationTrees.build(sampler.reservoirs[t], samples, subsets[t],
                maxDepth, growing[t], rule, extensionLevel));
        IsolationTrees forest = IsolationTrees.of(Arrays.asList(built), d, samples, rule);

        double offset;
        double threshold;
        if (contamination.isAuto()) {
            offset = -0.5;
            threshold = Math.nextUp(0.5);
        } else {
            double cut = trainingCut(rows, forest, used, contamination.fraction(), schema);
            offset = -cut;
            threshold = Math.nextUp(cut);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        FitReport report = new FitReport(sampler.read, used, sampler.quarantine.count(), sampler.quarantine.samples(),
                seconds);
        if (report.quarantined() > 0) {
            LOG.warn("Left {} of {} rows out of the Isolation Forest fit because of non-finite values, e.g. {}",
                    report.quarantined(), report.rowsRead(), report.quarantineSamples().get(0));
        }
        return new IsolationForestModel(schema, forest, contamination, offset, threshold, hyperParameters(samples, k),
                report, parallel);
    }

    private Map<String, String> hyperParameters(int samples, int features) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("n_estimators", Integer.toString(trees));
        params.put("max_samples", maxSamples.toString());
        params.put("max_samples_used", Integer.toString(samples));
        params.put("max_features", maxFeatures.toString());
        params.put("max_features_used", Integer.toString(features));
        params.put("contamination", contamination.toString());
        params.put("random_state", Long.toString(seed));
        params.put("split_rule", splitRule.name().toLowerCase(java.util.Locale.ROOT));
        if (splitRule == SplitRule.HYPERPLANE) {
            params.put("extension_level", extensionLevel < 0 ? "full" : Integer.toString(extensionLevel));
        }
        return params;
    }

    private static int[] chooseFeatures(int d, int k, SplittableRandom random) {
        int[] all = new int[d];
        for (int i = 0; i < d; i++) {
            all[i] = i;
        }
        if (k >= d) {
            return all;
        }
        for (int i = 0; i < k; i++) {
            int pick = i + random.nextInt(d - i);
            int swap = all[i];
            all[i] = all[pick];
            all[pick] = swap;
        }
        int[] chosen = Arrays.copyOf(all, k);
        Arrays.sort(chosen);
        return chosen;
    }

    private double trainingCut(RowSource rows, IsolationTrees forest, long used, double fraction, FeatureSchema schema) {
        TopK top = new TopK(Quantiles.needed(used, fraction));
        double[][] buffer = {new double[0]};
        boolean[][] finite = {new boolean[0]};
        int d = schema.size();
        rows.forEachBatch((batch, first) -> {
            int n = batch.rows();
            if (buffer[0].length < n) {
                buffer[0] = new double[n];
                finite[0] = new boolean[n];
            }
            double[] scores = buffer[0];
            boolean[] ok = finite[0];
            float[] values = batch.values();
            IsolationForestModel.scoreRows(forest, values, d, n, scores, parallel);
            for (int r = 0; r < n; r++) {
                ok[r] = Quarantine.allFinite(values, r * d, d);
            }
            for (int r = 0; r < n; r++) {
                if (ok[r]) {
                    top.add(scores[r]);
                }
            }
        });
        return Quantiles.upperThreshold(top.descending(), used, fraction);
    }

    /** One streaming pass that fills every tree's reservoir (Li's Algorithm L) and counts unusable rows. */
    private static final class Sampler {
        final int psi;
        final int[][] subsets;
        final SplittableRandom[] random;
        final FeatureSchema schema;
        final float[][] reservoirs;
        final long[] next;
        final double[] w;
        final Quarantine quarantine;
        long read;
        long valid;

        Sampler(int psi, int[][] subsets, SplittableRandom[] random, FeatureSchema schema) {
            this.psi = psi;
            this.subsets = subsets;
            this.random = random;
            this.schema = schema;
            this.quarantine = new Quarantine(schema);
            this.reservoirs = new float[subsets.length][];
            for (int t = 0; t < subsets.length; t++) {
                reservoirs[t] = new float[Math.max(psi, 0) * subsets[t].length];
            }
            this.next = new long[subsets.length];
            this.w = new double[subsets.length];
        }

        void accept(FeatureBatch batch, long first) {
            int d = schema.size();
            if (batch.columns() != d) {
                schema.requireSameLayout(batch.schema());
            }
            float[] values = batch.values();
            for (int r = 0; r < batch.rows(); r++) {
                int offset = r * d;
                read++;
                if (!quarantine.admit(values, offset, first + r)) {
                    continue;
                }
                long v = valid++;
                if (psi == 0) {
                    continue;
                }
                for (int t = 0; t < subsets.length; t++) {
                    if (v < psi) {
                        copy(t, (int) v, values, offset);
                        if (v == psi - 1) {
                            w[t] = Math.exp(Math.log(uniform(t)) / psi);
                            next[t] = v + skip(t);
                        }
                    } else if (v == next[t]) {
                        copy(t, random[t].nextInt(psi), values, offset);
                        w[t] *= Math.exp(Math.log(uniform(t)) / psi);
                        next[t] = v + skip(t);
                    }
                }
            }
        }

        private long skip(int t) {
            double s = Math.floor(Math.log(uniform(t)) / Math.log(1 - w[t]));
            return (s >= Long.MAX_VALUE / 2 || Double.isNaN(s)) ? Long.MAX_VALUE / 2 : (long) s + 1;
        }

        private double uniform(int t) {
            return 1.0 - random[t].nextDouble();
        }

        private void copy(int t, int slot, float[] values, int offset) {
            int[] subset = subsets[t];
            float[] reservoir = reservoirs[t];
            int base = slot * subset.length;
            for (int j = 0; j < subset.length; j++) {
                reservoir[base + j] = values[offset + subset[j]];
            }
        }
    }

    /** Configures an {@link IsolationForest}; {@link #build()} reports every invalid setting at once. */
    public static final class Builder {
        private int trees = 100;
        private SubsetSize maxSamples = SubsetSize.auto();
        private SubsetSize maxFeatures = SubsetSize.fraction(1.0);
        private Contamination contamination = Contamination.auto();
        private long seed;
        private SplitRule splitRule = SplitRule.AXIS_PARALLEL;
        private int extensionLevel = -1;
        private int threads = 1;
        private @Nullable Executor executor;
        private final List<String> problems = new ArrayList<>();

        private Builder() {}

        /**
         * @param trees number of trees ({@code n_estimators}, default 100)
         * @return this builder
         */
        public Builder trees(int trees) {
            this.trees = trees;
            return this;
        }

        /**
         * @param size rows per tree ({@code max_samples}; default {@code auto} = min(256, n))
         * @return this builder
         */
        public Builder maxSamples(SubsetSize size) {
            this.maxSamples = Objects.requireNonNull(size, "size");
            return this;
        }

        /**
         * @param count rows per tree, capped at the number of rows
         * @return this builder
         */
        public Builder maxSamples(int count) {
            return record(() -> maxSamples(SubsetSize.count(count)), "maxSamples");
        }

        /**
         * @param fraction share of the rows per tree, in (0, 1]
         * @return this builder
         */
        public Builder maxSamplesFraction(double fraction) {
            return record(() -> maxSamples(SubsetSize.fraction(fraction)), "maxSamples");
        }

        /**
         * @param size features per tree ({@code max_features}; default all)
         * @return this builder
         */
        public Builder maxFeatures(SubsetSize size) {
            this.maxFeatures = Objects.requireNonNull(size, "size");
            return this;
        }

        /**
         * @param count features per tree, capped at the row width
         * @return this builder
         */
        public Builder maxFeatures(int count) {
            return record(() -> maxFeatures(SubsetSize.count(count)), "maxFeatures");
        }

        /**
         * @param fraction share of the features per tree, in (0, 1]
         * @return this builder
         */
        public Builder maxFeaturesFraction(double fraction) {
            return record(() -> maxFeatures(SubsetSize.fraction(fraction)), "maxFeatures");
        }

        /**
         * @param contamination how the threshold is set (default auto)
         * @return this builder
         */
        public Builder contamination(Contamination contamination) {
            this.contamination = Objects.requireNonNull(contamination, "contamination");
            return this;
        }

        /**
         * @param fraction share of training rows to flag, in (0, 0.5]
         * @return this builder
         */
        public Builder contamination(double fraction) {
            return record(() -> contamination(Contamination.of(fraction)), "contamination");
        }

        /**
         * @param seed the random seed ({@code random_state}, default 0)
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param rule how trees cut (default {@link SplitRule#AXIS_PARALLEL})
         * @return this builder
         */
        public Builder splitRule(SplitRule rule) {
            this.splitRule = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * @param level for {@link SplitRule#HYPERPLANE}: dimensions besides one that get a non-zero weight;
         *     -1 (default) for all of them, 0 for axis-parallel cuts at random points
         * @return this builder
         */
        public Builder extensionLevel(int level) {
            this.extensionLevel = level;
            return this;
        }

        /**
         * @param threads threads for building trees and scoring large batches (default 1); results do not depend on it
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * @param executor an executor to build trees and score on, instead of short-lived threads; never shut
         *     down by the forest
         * @return this builder
         */
        public Builder executor(@Nullable Executor executor) {
            this.executor = executor;
            return this;
        }

        private Builder record(Runnable setter, String name) {
            try {
                setter.run();
            } catch (IllegalArgumentException | ConfigurationException e) {
                problems.add(name + ": " + e.getMessage());
            }
            return this;
        }

        /**
         * @return the detector
         * @throws ConfigurationException listing every invalid setting
         */
        public IsolationForest build() {
            List<String> all = new ArrayList<>(problems);
            if (trees < 1) {
                all.add("trees was " + trees + " but it must be at least 1");
            }
            if (maxFeatures.kind() == SubsetSize.Kind.AUTO) {
                all.add("maxFeatures cannot be auto; give a count or a fraction");
            }
            if (threads < 1) {
                all.add("threads was " + threads + " but it must be at least 1");
            }
            if (extensionLevel < -1) {
                all.add("extensionLevel was " + extensionLevel + " but it must be -1 (full) or at least 0");
            }
            if (extensionLevel != -1 && splitRule != SplitRule.HYPERPLANE) {
                all.add("extensionLevel only applies to the HYPERPLANE split rule");
            }
            if (!all.isEmpty()) {
                throw new ConfigurationException(all);
            }
            return new IsolationForest(this);
        }
    }
}
