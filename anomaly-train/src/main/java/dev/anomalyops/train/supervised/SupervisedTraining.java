package dev.anomalyops.train.supervised;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.eval.Evaluation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervised stage end to end: labelled rows in, a {@link TrainingReport} out, from which a deterministic model
 * bundle is written and, when the quality gates pass, registered with the alias {@code staging}.
 *
 * <ol>
 *   <li>Hold-out: the given rows, or the last {@code holdoutFraction} (default 0.2) of the rows, which are in time
 *       order. Nothing below looks at them until the final evaluation.
 *   <li>Scaler: a standard scaler (mean, standard deviation) learnt on the training rows; models are trained on
 *       scaled rows and the scaler goes into the bundle, where every scoring engine applies it.
 *   <li>Cross-validation of the champion on the training rows (optional; {@link CrossValidation} picks time-ordered
 *       folds when features are temporal).
 *   <li>Each trainer (champion first, then challengers) fits on the first {@code 1 - validationFraction} of the
 *       training rows; the last {@code validationFraction} (default 0.2) are watched for the loss curve and early
 *       stopping, and the decision threshold is chosen on them by the {@link ThresholdRule}. Imported models get
 *       their threshold chosen on the same rows.
 *   <li>Every model is evaluated on the hold-out; the champion is compared with each challenger
 *       ({@link Comparison}) and checked against the {@link QualityGates}.
 * </ol>
 */
public final class SupervisedTraining {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedTraining.class);

    private final Trainer champion;
    private final List<Trainer> challengers;
    private final List<Candidate> imported;
    private final @Nullable CrossValidation crossValidation;
    private final ThresholdRule thresholdRule;
    private final QualityGates gates;
    private final double holdoutFraction;
    private final double validationFraction;
    private final boolean standardise;
    private final @Nullable DriftProfiler driftProfiler;
    private final Clock clock;
    private final long seed;
    private final int bootstrapResamples;

    private SupervisedTraining(Builder b) {
        this.champion = b.champion;
        this.challengers = List.copyOf(b.challengers);
        this.imported = List.copyOf(b.imported);
        this.crossValidation = b.crossValidation;
        this.thresholdRule = b.thresholdRule;
        this.gates = b.gates;
        this.holdoutFraction = b.holdoutFraction;
        this.validationFraction = b.validationFraction;
        this.standardise = b.standardise;
        this.driftProfiler = b.driftProfiler;
        this.clock = b.clock;
        this.seed = b.seed;
        this.bootstrapResamples = b.bootstrapResamples;
    }

    /** @return a builder: XGBoost champion with its defaults, no challenger, the reference gates */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the gates this stage checks */
    public QualityGates gates() {
        return gates;
    }

    /**
     * @param data labelled rows in time order
     * @return the report (holds the champion's model bytes for {@link TrainingReport#writeBundle})
     */
    public TrainingReport run(TrainingData data) {
        int cut = data.size() - (int) Math.round(data.size() * holdoutFraction);
        return run(data.range(0, cut), data.range(cut, data.size()));
    }

    /**
     * @param train labelled training rows in time order
     * @param holdout labelled hold-out rows (later than {@code train} for time series)
     * @return the report
     */
    public TrainingReport run(TrainingData train, TrainingData holdout) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(holdout, "holdout");
        holdout.schema().requireSameLayout(train.schema());
        if (train.size() < 10 || holdout.size() == 0) {
            throw new IllegalArgumentException("Supervised training needs at least 10 training rows and 1 hold-out row"
                    + " but received " + train.size() + " and " + holdout.size());
        }
        Scaler scaler = standardise ? standardScaler(train) : null;
        TrainingData scaledTrain = scale(train, scaler);
        TrainingData scaledHoldout = scale(holdout, scaler);

        CrossValidation.Report cv = null;
        if (crossValidation != null) {
            LOG.info("Cross-validating {} on {} rows", champion.name(), train.size());
            cv = crossValidation.run(champion, scaledTrain);
        }
        int validationStart = train.size() - Math.max(1, (int) Math.round(train.size() * validationFraction));
        TrainingData fitRows = scaledTrain.range(0, validationStart);
        TrainingData validationRows = scaledTrain.range(validationStart, train.size());
        TrainingData rawValidation = train.range(validationStart, train.size());

        List<CandidateResult> results = new ArrayList<>();
        List<double[]> holdoutScores = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        TrainingReport.ChampionModel championModel = null;
        List<Trainer> trainers = new ArrayList<>();
        trainers.add(champion);
        trainers.addAll(challengers);
        for (int t = 0; t < trainers.size(); t++) {
            Trainer trainer = trainers.get(t);
            long started = System.nanoTime();
            try (TrainedModel model = trainer.fit(fitRows, validationRows)) {
                double seconds = (System.nanoTime() - started) / 1e9;
                ThresholdRule.Choice choice = thresholdRule.choose(model.scoreAll(validationRows.rows()),
                        validationRows.labels());
                double[] scores = model.scoreAll(scaledHoldout.rows());
                Evaluation evaluation = Evaluation.of(scores, choice.threshold(), holdout.labels());
                Diagnostics diagnostics = Diagnostics.of(model, scores, holdout.labels(), choice.threshold(), 10, 10);
                String role = t == 0 ? "champion" : "challenger";
                results.add(new CandidateResult(model.name(), role, choice.threshold(), choice.rule(), evaluation,
                        diagnostics, model.rounds(), seconds));
                holdoutScores.add(scores);
                thresholds.add(choice.threshold());
                LOG.info("{} ({}): {} rounds in {} s, hold-out F1 {} at threshold {}", model.name(), role,
                        model.rounds(), seconds, evaluation.pointwise().f1(), choice.threshold());
                if (t == 0) {
                    byte[] drift = null;
                    if (driftProfiler != null) {
                        drift = driftProfiler.profile(train.rows(), model.scoreAll(scaledTrain.rows()));
                    }
                    championModel = new TrainingReport.ChampionModel(model.format(), model.fileName(),
                            model.modelBytes(), model.parameters(), model.curve(), scaler,
                            driftProfiler == null ? null : driftProfiler.fileName(), drift);
                }
            }
        }
        for (Candidate candidate : imported) {
            candidate.schema().requireSameLayout(train.schema());
            ThresholdRule.Choice choice = thresholdRule.choose(candidate.scoreAll(rawValidation.rows()),
                    rawValidation.labels());
            double[] scores = candidate.scoreAll(holdout.rows());
            Evaluation evaluation = Evaluation.of(scores, choice.threshold(), holdout.labels());
            results.add(new CandidateResult(candidate.name(), "challenger", choice.threshold(), choice.rule(),
                    evaluation, null, 0, 0));
            holdoutScores.add(scores);
            thresholds.add(choice.threshold());
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (int i = 1; i < results.size(); i++) {
            comparisons.add(Comparison.of(results.get(0).name(), holdoutScores.get(0), thresholds.get(0),
                    results.get(i).name(), holdoutScores.get(i), thresholds.get(i), holdout.labels(),
                    bootstrapResamples, seed));
        }
        Evaluation championHoldout = results.get(0).holdout();
        QualityGates.Result gateResult = gates.check(championHoldout.pointwise(), championHoldout.averagePrecision(),
                championHoldout.rocAuc());
        if (!gateResult.passed()) {
            LOG.warn("The champion fails the quality gates: {}", gateResult.failures());
        }
        return new TrainingReport(train.schema(), train.size(), holdout.size(), TrainingReport.fingerprint(train),
                results, cv, comparisons, gateResult, championModel, thresholdRule.toString(),
                Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    static Scaler standardScaler(TrainingData data) {
        int d = data.rows().columns();
        int n = data.size();
        double[] mean = new double[d];
        double[] m2 = new double[d];
        long[] count = new long[d];
        float[] v = data.rows().values();
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < d; c++) {
                float x = v[r * d + c];
                if (Float.isFinite(x)) {
                    count[c]++;
                    double delta = x - mean[c];
                    mean[c] += delta / count[c];
                    m2[c] += delta * (x - mean[c]);
                }
            }
        }
        double[] scale = new double[d];
        for (int c = 0; c < d; c++) {
            double std = count[c] > 0 ? Math.sqrt(m2[c] / count[c]) : 0;
            scale[c] = std > 1e-12 && Double.isFinite(std) ? std : 1.0;
        }
        return Scaler.of("standard", mean, scale);
    }

    static TrainingData scale(TrainingData data, @Nullable Scaler scaler) {
        if (scaler == null) {
            return data;
        }
        int d = data.rows().columns();
        float[] source = data.rows().values();
        float[] scaled = new float[data.size() * d];
        for (int r = 0; r < data.size(); r++) {
            scaler.apply(source, r * d, scaled, r * d);
        }
        return TrainingData.of(FeatureBatch.wrap(data.schema(), scaled, data.size()), data.labels(), data.weights());
    }

    /** Configures a {@link SupervisedTraining}; {@link #build()} reports every invalid setting at once. */
    public static final class Builder {
        private Trainer champion = XgboostTrainer.builder().build();
        private final List<Trainer> challengers = new ArrayList<>();
        private final List<Candidate> imported = new ArrayList<>();
        private @Nullable CrossValidation crossValidation;
        private ThresholdRule thresholdRule = ThresholdRule.bestF1();
        private QualityGates gates = QualityGates.defaults();
        private double holdoutFraction = 0.2;
        private double validationFraction = 0.2;
        private boolean standardise = true;
        private @Nullable DriftProfiler driftProfiler;
        private Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
        private long seed;
        private int bootstrapResamples = 1000;

        private Builder() {}

        /**
         * @param trainer the champion's trainer (default XGBoost with its defaults)
         * @return this builder
         */
        public Builder champion(Trainer trainer) {
            this.champion = Objects.requireNonNull(trainer, "trainer");
            return this;
        }

        /**
         * @param trainer a challenger trained on the same rows, e.g. {@link LightgbmTrainer}
         * @return this builder
         */
        public Builder challenger(Trainer trainer) {
            challengers.add(Objects.requireNonNull(trainer, "trainer"));
            return this;
        }

        /**
         * @param candidate a challenger trained elsewhere, e.g. an {@link ImportedModel} CatBoost model; it scores raw
         *     (unscaled) rows through its own bundle
         * @return this builder
         */
        public Builder imported(Candidate candidate) {
            imported.add(Objects.requireNonNull(candidate, "candidate"));
            return this;
        }

        /**
         * @param cv cross-validation of the champion on the training rows, or null for none (default)
         * @return this builder
         */
        public Builder crossValidation(@Nullable CrossValidation cv) {
            this.crossValidation = cv;
            return this;
        }

        /**
         * @param rule how thresholds are chosen on the validation rows (default best F1)
         * @return this builder
         */
        public Builder thresholdRule(ThresholdRule rule) {
            this.thresholdRule = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * @param gates the quality gates (default {@link QualityGates#defaults()})
         * @return this builder
         */
        public Builder gates(QualityGates gates) {
            this.gates = Objects.requireNonNull(gates, "gates");
            return this;
        }

        /**
         * @param fraction share of the rows kept for the hold-out when none is given (default 0.2)
         * @return this builder
         */
        public Builder holdoutFraction(double fraction) {
            this.holdoutFraction = fraction;
            return this;
        }

        /**
         * @param fraction share of the training rows (the latest) used for early stopping and the threshold
         *     (default 0.2)
         * @return this builder
         */
        public Builder validationFraction(double fraction) {
            this.validationFraction = fraction;
            return this;
        }

        /**
         * @param standardise learn a standard scaler and store it in the bundle (default true)
         * @return this builder
         */
        public Builder standardise(boolean standardise) {
            this.standardise = standardise;
            return this;
        }

        /**
         * @param profiler builds the bundle's drift reference profile, or null for none (default)
         * @return this builder
         */
        public Builder driftProfiler(@Nullable DriftProfiler profiler) {
            this.driftProfiler = profiler;
            return this;
        }

        /**
         * @param clock stamps the bundle's {@code createdAt} (default: fixed at the epoch, so bundles are
         *     byte-identical for the same input)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param seed seed of the bootstrap in the comparison (default 0); trainers carry their own seeds
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param resamples bootstrap resamples of the comparison (default 1000)
         * @return this builder
         */
        public Builder bootstrapResamples(int resamples) {
            this.bootstrapResamples = resamples;
            return this;
        }

        /**
         * @return the stage
         * @throws ConfigurationException listing every invalid setting
         */
        public SupervisedTraining build() {
            List<String> problems = new ArrayList<>();
            if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
                problems.add("holdoutFraction was " + holdoutFraction + " but it must be in (0, 1)");
            }
            if (!(validationFraction > 0 && validationFraction < 1)) {
                problems.add("validationFraction was " + validationFraction + " but it must be in (0, 1)");
            }
            if (bootstrapResamples < 0) {
                problems.add("bootstrapResamples was " + bootstrapResamples + " but it must be >= 0");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new SupervisedTraining(this);
        }
    }
}
