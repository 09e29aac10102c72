package dev.anomalyops.train.label;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.internal.Csv;
import dev.anomalyops.train.internal.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The labelled rows a supervised model trains on: every row that has a label in effect, with its label, its
 * weight and where the label came from. Human (and imported) labels weigh more than pseudo-labels; the
 * weights and the counts are recorded in the model bundle's metadata by {@link #recordIn}.
 *
 * <pre>{@code
 * TrainingSet set = TrainingSet.builder()
 *         .rows(rows, row -> ids[(int) row])
 *         .labels(store)
 *         .humanWeight(5.0)
 *         .build();
 * set.recordIn(bundleBuilder);          // labels.human, labels.weight.human, …
 * }</pre>
 *
 * Weights: a human label weighs {@code humanWeight} (default 5), an imported one {@code importedWeight}
 * (default 5), a pseudo-label {@code pseudoWeight} (default 1), multiplied by its confidence when
 * {@code pseudoWeightByConfidence} (default true). Rows whose human labels conflict take the latest one, or
 * are left out with {@code excludeConflicts(true)}. Holds the rows in memory. Immutable.
 */
public final class TrainingSet {
    private final FeatureBatch rows;
    private final int[] labels;
    private final float[] weights;
    private final List<String> ids;
    private final LabelSource[] sources;
    private final Map<String, String> metadata;

    private TrainingSet(FeatureBatch rows, int[] labels, float[] weights, List<String> ids, LabelSource[] sources,
            Map<String, String> metadata) {
        this.rows = rows;
        this.labels = labels;
        this.weights = weights;
        this.ids = ids;
        this.sources = sources;
        this.metadata = metadata;
    }

    /** @return a builder with the default weights */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the labelled rows (owned by this set; do not modify) */
    public FeatureBatch rows() {
        return rows;
    }

    /** @return number of labelled rows */
    public int size() {
        return labels.length;
    }

    /** @return one label per row, 0 or 1 (a copy) */
    public int[] labels() {
        return labels.clone();
    }

    /** @return one weight per row (a copy) */
    public float[] weights() {
        return weights.clone();
    }

    /** @return the row ids, in row order */
    public List<String> ids() {
        return ids;
    }

    /**
     * @param row a row of this set
     * @return where its label came from
     */
    public LabelSource source(int row) {
        return sources[row];
    }

    /**
     * @param source a label source
     * @return rows whose label came from it
     */
    public int count(LabelSource source) {
        int n = 0;
        for (LabelSource s : sources) {
            if (s == source) {
                n++;
            }
        }
        return n;
    }

    /**
     * @return the counts and weights as bundle metadata: {@code labels.rows}, {@code labels.human},
     *     {@code labels.imported}, {@code labels.pseudo}, {@code labels.unlabelled}, {@code labels.positives},
     *     {@code labels.conflicts}, {@code labels.excluded_conflicts}, {@code labels.human_fraction},
     *     {@code labels.weight.human}, {@code labels.weight.imported}, {@code labels.weight.pseudo},
     *     {@code labels.weight.pseudo_by_confidence}
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * @param bundle a bundle being built
     * @return the same builder with {@link #metadata()} added
     */
    public ModelBundle.Builder recordIn(ModelBundle.Builder bundle) {
        metadata.forEach(bundle::metadata);
        return bundle;
    }

    /**
     * Writes {@code id,label,weight,source,<features…>} with a header, atomically.
     *
     * @param file the CSV file
     * @throws StorageException when it cannot be written
     */
    public void writeCsv(Path file) {
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("id", "label", "weight", "source"));
        header.addAll(rows.schema().names());
        out.append(Csv.record(header)).append('\n');
        float[] values = rows.values();
        int d = rows.columns();
        for (int r = 0; r < labels.length; r++) {
            List<String> fields = new ArrayList<>(header.size());
            fields.add(ids.get(r));
            fields.add(Integer.toString(labels[r]));
            fields.add(Float.toString(weights[r]));
            fields.add(sources[r].wireName());
            for (int j = 0; j < d; j++) {
                float v = values[r * d + j];
                fields.add(Float.isNaN(v) ? "" : Float.toString(v));
            }
            out.append(Csv.record(fields)).append('\n');
        }
        try {
            DurableFiles.replace(file, out.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StorageException("Cannot write training set " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TrainingSet[" + size() + " rows: " + count(LabelSource.HUMAN) + " human, " + count(LabelSource.IMPORTED)
                + " imported, " + count(LabelSource.PSEUDO) + " pseudo]";
    }

    /** Assembles a {@link TrainingSet}; {@link #build()} reports every invalid setting at once. */
    public static final class Builder {
        private double humanWeight = 5.0;
        private double importedWeight = 5.0;
        private double pseudoWeight = 1.0;
        private boolean pseudoWeightByConfidence = true;
        private boolean excludeConflicts;
        private @Nullable RowSource rows;
        private @Nullable LongFunction<String> ids;
        private @Nullable Map<String, Label> effective;
        private List<LabelConflict> conflicts = List.of();

        private Builder() {}

        /**
         * @param weight weight of a human label (default 5)
         * @return this builder
         */
        public Builder humanWeight(double weight) {
            this.humanWeight = weight;
            return this;
        }

        /**
         * @param weight weight of an imported label (default 5)
         * @return this builder
         */
        public Builder importedWeight(double weight) {
            this.importedWeight = weight;
            return this;
        }

        /**
         * @param weight weight of a pseudo-label (default 1)
         * @return this builder
         */
        public Builder pseudoWeight(double weight) {
            this.pseudoWeight = weight;
            return this;
        }

        /**
         * @param byConfidence multiply a pseudo-label's weight by its confidence (default true)
         * @return this builder
         */
        public Builder pseudoWeightByConfidence(boolean byConfidence) {
            this.pseudoWeightByConfidence = byConfidence;
            return this;
        }

        /**
         * @param exclude leave out rows whose human labels conflict instead of using the latest (default false)
         * @return this builder
         */
        public Builder excludeConflicts(boolean exclude) {
            this.excludeConflicts = exclude;
            return this;
        }

        /**
         * @param rows the rows that may be labelled
         * @param ids the id of each row (by index in the source)
         * @return this builder
         */
        public Builder rows(RowSource rows, LongFunction<String> ids) {
            this.rows = Objects.requireNonNull(rows, "rows");
            this.ids = Objects.requireNonNull(ids, "ids");
            return this;
        }

        /**
         * @param store the labels in effect and the conflicts come from it
         * @return this builder
         */
        public Builder labels(LabelStore store) {
            return labels(store.effective(), store.conflicts());
        }

        /**
         * @param effective the label in effect per row id
         * @param conflicts rows whose human labels disagree
         * @return this builder
         */
        public Builder labels(Map<String, Label> effective, List<LabelConflict> conflicts) {
            this.effective = Map.copyOf(effective);
            this.conflicts = List.copyOf(conflicts);
            return this;
        }

        /**
         * Reads the rows once and keeps those with a label in effect.
         *
         * @return the training set
         * @throws ConfigurationException listing every invalid setting
         */
        public TrainingSet build() {
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, Double> w : Map.of("humanWeight", humanWeight, "importedWeight", importedWeight,
                    "pseudoWeight", pseudoWeight).entrySet()) {
                if (!(w.getValue() >= 0) || Double.isInfinite(w.getValue())) {
                    problems.add(w.getKey() + " was " + w.getValue() + " but it must be a finite number >= 0");
                }
            }
            if (rows == null) {
                problems.add("rows are missing: call rows(source, ids)");
            }
            if (effective == null) {
                problems.add("labels are missing: call labels(store) or labels(effective, conflicts)");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            Set<String> conflicted = new HashSet<>();
            for (LabelConflict conflict : conflicts) {
                conflicted.add(conflict.id());
            }
            FeatureSchema schema = rows.schema();
            int d = schema.size();
            float[][] values = {new float[1024 * d]};
            List<Integer> labelList = new ArrayList<>();
            List<Float> weightList = new ArrayList<>();
            List<String> idList = new ArrayList<>();
            List<LabelSource> sourceList = new ArrayList<>();
            long[] unlabelled = {0};
            int[] excluded = {0};
            int[] positives = {0};
            Set<String> seen = new HashSet<>();
            rows.forEachBatch((batch, first) -> {
                float[] batchValues = batch.values();
                for (int r = 0; r < batch.rows(); r++) {
                    String id = ids.apply(first + r);
                    Label label = effective.get(id);
                    if (label == null) {
                        unlabelled[0]++;
                        continue;
                    }
                    if (excludeConflicts && conflicted.contains(id)) {
                        excluded[0]++;
                        continue;
                    }
                    if (!seen.add(id)) {
                        throw new dev.anomalyops.core.InputException("Row id \"" + id + "\" appears twice in the rows;"
                                + " labels refer to rows by id, so ids must be unique");
                    }
                    int index = labelList.size();
                    if ((index + 1) * d > values[0].length) {
                        values[0] = Arrays.copyOf(values[0], values[0].length * 2);
                    }
                    System.arraycopy(batchValues, r * d, values[0], index * d, d);
                    labelList.add(label.value());
                    positives[0] += label.value();
                    weightList.add((float) weight(label));
                    idList.add(id);
                    sourceList.add(label.source());
                }
            });
            int n = labelList.size();
            int[] labels = new int[n];
            float[] weights = new float[n];
            LabelSource[] sources = sourceList.toArray(LabelSource[]::new);
            int human = 0;
            int imported = 0;
            for (int i = 0; i < n; i++) {
                labels[i] = labelList.get(i);
                weights[i] = weightList.get(i);
                human += sources[i] == LabelSource.HUMAN ? 1 : 0;
                imported += sources[i] == LabelSource.IMPORTED ? 1 : 0;
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("labels.rows", Integer.toString(n));
            metadata.put("labels.human", Integer.toString(human));
            metadata.put("labels.imported", Integer.toString(imported));
            metadata.put("labels.pseudo", Integer.toString(n - human - imported));
            metadata.put("labels.unlabelled", Long.toString(unlabelled[0]));
            metadata.put("labels.positives", Integer.toString(positives[0]));
            metadata.put("labels.conflicts", Integer.toString(conflicts.size()));
            metadata.put("labels.excluded_conflicts", Integer.toString(excluded[0]));
            metadata.put("labels.human_fraction", Double.toString(n == 0 ? 0.0 : (double) human / n));
            metadata.put("labels.weight.human", Double.toString(humanWeight));
            metadata.put("labels.weight.imported", Double.toString(importedWeight));
            metadata.put("labels.weight.pseudo", Double.toString(pseudoWeight));
            metadata.put("labels.weight.pseudo_by_confidence", Boolean.toString(pseudoWeightByConfidence));
            FeatureBatch batch = FeatureBatch.wrap(schema, Arrays.copyOf(values[0], n * d), n);
            return new TrainingSet(batch, labels, weights, Collections.unmodifiableList(idList), sources,
                    Collections.unmodifiableMap(metadata));
        }

        private double weight(Label label) {
            return switch (label.source()) {
                case HUMAN -> humanWeight;
                case IMPORTED -> importedWeight;
                case PSEUDO -> pseudoWeightByConfidence ? pseudoWeight * label.confidence() : pseudoWeight;
            };
        }
    }
}
