package dev.anomalyops.drift;

import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A scorer that hands every scored batch and its probabilities to a drift monitor. */
final class MonitoredScorer implements Scorer {
    private static final Logger LOG = LoggerFactory.getLogger(MonitoredScorer.class);

    private final Scorer delegate;
    private final DriftMonitor monitor;
    private final AtomicLong failures = new AtomicLong();

    MonitoredScorer(Scorer delegate, DriftMonitor monitor) {
        this.delegate = delegate;
        this.monitor = monitor;
    }

    @Override
    public ModelInfo model() {
        return delegate.model();
    }

    @Override
    public void score(FeatureBatch batch, double[] out) {
        delegate.score(batch, out);
        try {
            monitor.record(batch, out);
        } catch (RuntimeException e) {
            // Monitoring must never fail a scoring request; the failure is logged (first and every 1000th).
            long n = failures.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("Drift monitoring of model {} failed {} time(s); scoring is unaffected: {}", delegate.model().name(),
                        n, e.toString());
            }
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
