package dev.anomalyops.app;

/**
 * What the reference inference server ({@code anomalyops serve}) listens on and serves, in one place: the
 * Kubernetes manifests in {@code deploy/} (container port, probes, ServiceMonitor path) are checked against these
 * constants by {@code deploy-tests}, so the server and its deployment cannot drift apart. The server's own code
 * (port default, health and metrics routes) must use them too.
 */
public final class ServingEndpoints {
    /** Default port for HTTP/REST and gRPC (one port; Triton's HTTP default). */
    public static final int PORT = 8000;
    /** Name of the container port in the manifests; probes and the ServiceMonitor refer to it by this name. */
    public static final String PORT_NAME = "http";
    /** Liveness: 200 while the process can serve at all (Open Inference Protocol v2 {@code server live}). */
    public static final String LIVE_PATH = "/v2/health/live";
    /** Readiness: 200 once every model is loaded, 400 before and while draining ({@code server ready}). */
    public static final String READY_PATH = "/v2/health/ready";
    /** Prometheus text exposition of every metric of {@code anomaly-drift}'s MetricsCatalogue. */
    public static final String METRICS_PATH = "/metrics";
    /** Explanations of anomalies ({@code anomalyops serve --explain}); asynchronous, never on the scoring path. */
    public static final String EXPLAIN_PATH = "/v1/explain";
    /** The Alertmanager webhook receiver (admin; bearer token); {@code deploy/monitoring/alertmanager} posts here. */
    public static final String ALERTMANAGER_PATH = "/admin/alertmanager";
    /** Registry alias the stable (champion) deployment serves. */
    public static final String STABLE_ALIAS = "champion";
    /** Registry alias the canary (challenger) deployment serves and retraining moves. */
    public static final String CANARY_ALIAS = "challenger";

    private ServingEndpoints() {}
}
