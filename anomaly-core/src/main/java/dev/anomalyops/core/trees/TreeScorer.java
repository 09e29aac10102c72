package dev.anomalyops.core.trees;

import dev.anomalyops.core.FeatureContribution;
import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Scorer} over a compiled {@link TreeEnsemble}. Thread-safe. When the bundle carries a scaler, rows
 * are transformed into a per-thread buffer that is reused across calls, so scaling allocates nothing once a
 * thread has scored its largest batch.
 */
final class TreeScorer implements Scorer {
    private final ModelInfo info;
    private final TreeEnsemble model;
    private final @Nullable Scaler scaler;
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);
    private volatile boolean closed;

    TreeScorer(ModelInfo info, TreeEnsemble model, @Nullable Scaler scaler) {
        this.info = info;
        this.model = model;
        this.scaler = scaler;
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    /** @return the compiled model, for explanations (contributions) */
    TreeEnsemble ensemble() {
        return model;
    }

    @Override
    public void score(FeatureBatch batch, double[] out) {
        checkOpen();
        Scorer.checkArguments(this, batch, out);
        int rows = batch.rows();
        float[] values = batch.values();
        if (scaler != null) {
            int columns = batch.columns();
            float[] buffer = buffer(rows * columns);
            for (int r = 0; r < rows; r++) {
                scaler.apply(values, r * columns, buffer, r * columns);
            }
            values = buffer;
        }
        model.predict(values, rows, out);
    }

    @Override
    public double probability(float[] row) {
        checkOpen();
        if (row.length != model.featureCount()) {
            throw new InvalidFeatureValueException("", "Row has " + row.length + " values but model \"" + info.name()
                    + "\" expects " + model.featureCount() + " features");
        }
        if (scaler != null) {
            float[] buffer = buffer(row.length);
            scaler.apply(row, 0, buffer, 0);
            return model.predict(buffer, 0);
        }
        return model.predict(row, 0);
    }

    @Override
    public List<FeatureContribution> contributions(float[] row) {
        checkOpen();
        if (row.length != model.featureCount()) {
            throw new InvalidFeatureValueException("", "Row has " + row.length + " values but model \"" + info.name()
                    + "\" expects " + model.featureCount() + " features");
        }
        float[] input = row;
        if (scaler != null) {
            input = new float[row.length];
            scaler.apply(row, 0, input, 0);
        }
        double[] values = new double[row.length + 1];
        model.contributions(input, 0, values);
        List<FeatureContribution> contributions = new ArrayList<>(row.length);
        for (int i = 0; i < row.length; i++) {
            if (values[i] != 0.0) {
                contributions.add(new FeatureContribution(info.schema().feature(i).name(), row[i], values[i]));
            }
        }
        contributions.sort(Comparator.comparingDouble((FeatureContribution c) -> -Math.abs(c.contribution())));
        return contributions;
    }

    private float[] buffer(int size) {
        float[] buffer = scratch.get();
        if (buffer.length < size) {
            buffer = new float[size];
            scratch.set(buffer);
        }
        return buffer;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Scorer for model \"" + info.name() + "\" is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
