package dev.anomalyops.app.server;

import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.server.ErrorStatus;
import dev.anomalyops.triton.server.InferenceService;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The reference server's inference path: routes requests that name no version through the model's A/B test or
 * canary (sticky per user id), records every answer in the per-variant metrics and the canary's gates, remembers
 * recent predictions by request id so that feedback labels can be matched to the variant that made them, and
 * names the variant and model version in every response ({@code version}, and the parameters {@value #VARIANT}
 * and {@value #MODEL_VERSION}). Requests that name a version are served by that version and not routed.
 */
final class RoutedInferenceService implements InferenceService {
    /** The request parameter carrying the user id (the HTTP header and cookie are copied into it). */
    static final String USER_ID = "user_id";
    /** The response parameter naming the variant. */
    static final String VARIANT = "variant";
    /** The response parameter naming the registry version that answered. */
    static final String MODEL_VERSION = "model_version";

    private final ScoringInferenceService delegate;
    private final Rollouts rollouts;
    private final VariantMetrics metrics;
    private final Map<String, Prediction> recent = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> ring;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong slots = new AtomicLong();
    private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";

    /** A prediction kept for feedback. */
    record Prediction(String model, String version, String variant, long[] labels, Rollouts.@Nullable Rollout rollout) {}

    RoutedInferenceService(ScoringInferenceService delegate, Rollouts rollouts, VariantMetrics metrics, int remembered) {
        this.delegate = delegate;
        this.rollouts = rollouts;
        this.metrics = metrics;
        this.ring = new AtomicReferenceArray<>(remembered);
    }

    /**
     * @param userId the user id from an HTTP header or cookie, or null
     * @return this service, with the user id added to requests that carry none in their parameters
     */
    InferenceService forUser(@Nullable String userId) {
        if (userId == null || userId.isBlank()) {
            return this;
        }
        RoutedInferenceService self = this;
        return new InferenceService() {
            @Override
            public boolean live() {
                return self.live();
            }

            @Override
            public boolean ready() {
                return self.ready();
            }

            @Override
            public boolean modelReady(String model, String version) {
                return self.modelReady(model, version);
            }

            @Override
            public ServerMetadata serverMetadata() {
                return self.serverMetadata();
            }

            @Override
            public ModelMetadata modelMetadata(String model, String version) {
                return self.modelMetadata(model, version);
            }

            @Override
            public CompletableFuture<InferResponse> infer(InferRequest request) {
                if (request.parameters().containsKey(USER_ID)) {
                    return self.infer(request);
                }
                Map<String, Object> parameters = new LinkedHashMap<>(request.parameters());
                parameters.put(USER_ID, userId);
                return self.infer(new InferRequest(request.model(), request.version(), request.id(), request.inputs(),
                        request.outputs(), parameters));
            }

            @Override
            public List<RepositoryModel> repositoryIndex(boolean readyOnly) {
                return self.repositoryIndex(readyOnly);
            }

            @Override
            public void load(String model) {
                self.load(model);
            }

            @Override
            public void unload(String model) {
                self.unload(model);
            }
        };
    }

    @Override
    public CompletableFuture<InferResponse> infer(InferRequest request) {
        long start = System.nanoTime();
        String id = request.id().isEmpty() ? idPrefix + Long.toString(sequence.incrementAndGet(), 36) : request.id();
        Rollouts.Rollout rollout = rollouts.active(request.model());
        String variant;
        String version = request.version();
        if (rollout != null && version.isEmpty()) {
            Object user = request.parameters().get(USER_ID);
            variant = rollout.router.route(user == null ? null : user.toString()).variant();
            version = Integer.toString(rollout.version(variant));
        } else {
            // A request that names its version is labelled with that version's variant but was not routed, so it
            // does not count in the experiment (its traffic share would be skewed).
            String named = rollout == null ? null : rollout.variantOf(version);
            variant = named != null ? named : VariantMetrics.STABLE;
            rollout = null;
        }
        InferRequest routed = new InferRequest(request.model(), version, id, request.inputs(), request.outputs(),
                request.parameters());
        Rollouts.Rollout routedBy = rollout;
        String chosen = variant;
        return delegate.infer(routed).handle((response, failure) -> {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                // Only the server's own failures count against a variant; bad input is the caller's.
                boolean serverError = ErrorStatus.of(cause).httpStatus() >= 500;
                if (serverError && !routed.version().isEmpty()) {
                    metrics.of(routed.model(), routed.version(), chosen).serving().recordError(took);
                    if (routedBy != null) {
                        Rollouts.recordRequest(routedBy, chosen, took, true);
                    }
                }
                throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
            }
            long[] labels = labels(response);
            int anomalous = 0;
            for (long label : labels) {
                anomalous += label == 1 ? 1 : 0;
            }
            int rows = labels.length > 0 ? labels.length : rows(routed);
            metrics.of(routed.model(), response.version(), chosen).serving().recordSuccess(took, rows,
                    labels.length > 0 ? anomalous : 0);
            if (routedBy != null) {
                Rollouts.recordRequest(routedBy, chosen, took, false);
            }
            if (labels.length > 0) {
                remember(id, new Prediction(routed.model(), response.version(), chosen, labels, routedBy));
            }
            Map<String, Object> parameters = new LinkedHashMap<>(response.parameters());
            parameters.put(VARIANT, chosen);
            parameters.put(MODEL_VERSION, response.version());
            return new InferResponse(response.model(), response.version(), id, response.outputs(), parameters);
        });
    }

    /** Keeps the latest predictions in a ring: the oldest is forgotten when a new one arrives (no lock). */
    private void remember(String id, Prediction prediction) {
        recent.put(id, prediction);
        int slot = (int) Math.floorMod(slots.getAndIncrement(), (long) ring.length());
        String evicted = ring.getAndSet(slot, id);
        if (evicted != null && !evicted.equals(id)) {
            recent.remove(evicted);
        }
    }

    private static long[] labels(InferResponse response) {
        for (Tensor output : response.outputs()) {
            if (output.name().equals(ScoringInferenceService.LABEL)) {
                return output.longs();
            }
        }
        return new long[0];
    }

    private static int rows(InferRequest request) {
        return request.inputs().isEmpty() ? 0 : (int) request.inputs().get(0).dimension(0);
    }

    /**
     * Matches labels to a remembered prediction and records whether each row was right.
     *
     * @param model the model the prediction was asked of
     * @param id the request id the response carried
     * @param actual the true label of each row (1 anomalous, 0 normal)
     * @return the prediction the labels were matched to
     */
    Prediction feedback(String model, String id, long[] actual) {
        Prediction prediction = recent.remove(id);
        if (prediction == null || !prediction.model().equals(model)) {
            if (prediction != null) {
                recent.put(id, prediction);
            }
            throw new NotFoundException("No recent prediction of model '" + model + "' has request id '" + id
                    + "' (the server remembers the latest predictions only)");
        }
        if (actual.length != prediction.labels().length) {
            recent.put(id, prediction);
            throw new InvalidRequestException("Feedback for request '" + id + "' has " + actual.length
                    + " labels but the prediction had " + prediction.labels().length + " rows");
        }
        VariantMetrics.Entry entry = metrics.of(model, prediction.version(), prediction.variant());
        for (int r = 0; r < actual.length; r++) {
            if (actual[r] != 0 && actual[r] != 1) {
                throw new InvalidRequestException("Label " + r + " of the feedback for request '" + id
                        + "' is " + actual[r] + " but labels must be 0 (normal) or 1 (anomalous)");
            }
        }
        for (int r = 0; r < actual.length; r++) {
            boolean flagged = prediction.labels()[r] == 1;
            boolean anomalous = actual[r] == 1;
            entry.feedback().record(flagged, anomalous);
            if (prediction.rollout() != null && rollouts.active(model) == prediction.rollout()) {
                Rollouts.recordFeedback(prediction.rollout(), prediction.variant(), flagged == anomalous);
            }
        }
        return prediction;
    }

    @Override
    public boolean live() {
        return delegate.live();
    }

    @Override
    public boolean ready() {
        return delegate.ready();
    }

    @Override
    public boolean modelReady(String model, String version) {
        return delegate.modelReady(model, version);
    }

    @Override
    public ServerMetadata serverMetadata() {
        return delegate.serverMetadata();
    }

    @Override
    public ModelMetadata modelMetadata(String model, String version) {
        return delegate.modelMetadata(model, version);
    }

    @Override
    public List<RepositoryModel> repositoryIndex(boolean readyOnly) {
        return delegate.repositoryIndex(readyOnly);
    }

    @Override
    public void load(String model) {
        delegate.load(model);
    }

    @Override
    public void unload(String model) {
        delegate.unload(model);
    }
}
