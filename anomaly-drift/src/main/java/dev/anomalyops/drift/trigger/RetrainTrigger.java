package dev.anomalyops.drift.trigger;

import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;

/**
 * Starts retraining a model: the SPI behind the retrain action. Implementations: {@link LocalRetrainJob} (a process
 * on this machine) and {@link GitHubActionsRetrainTrigger} (a {@code workflow_dispatch} event); a Kubernetes Job or
 * an Airflow DAG run fit the same interface. Implementations must be thread-safe and should be idempotent per
 * {@link RetrainRequest#dedupeKey()} or at least refuse to start a second run for a model that is still training.
 */
public interface RetrainTrigger {
    /** @return a short name for logs and metrics, e.g. {@code local} or {@code github-actions} */
    String name();

    /**
     * @param request what to retrain and why
     * @return what happened
     * @throws RetriableException when the target system is temporarily unavailable (retry later)
     * @throws NonRetriableException when it refused the request (bad credentials, unknown workflow)
     */
    RetrainResult trigger(RetrainRequest request);
}
