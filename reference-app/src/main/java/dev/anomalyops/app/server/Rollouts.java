package dev.anomalyops.app.server;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.rollout.AbMetrics;
import dev.anomalyops.rollout.AbTest;
import dev.anomalyops.rollout.CanaryController;
import dev.anomalyops.rollout.CanaryPolicy;
import dev.anomalyops.rollout.CanaryStatus;
import dev.anomalyops.rollout.CanaryStore;
import dev.anomalyops.rollout.RolloutActions;
import dev.anomalyops.rollout.TrafficRouter;
import dev.anomalyops.rollout.TrafficSplit;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's A/B tests and canary rollouts, one at most per model, on top of {@code anomaly-rollout}: a
 * {@link TrafficRouter} picks each unversioned request's variant (sticky per user id), an {@link AbTest} counts
 * correct and incorrect predictions from feedback per variant, {@link AbMetrics} publishes split, accuracy and
 * p-values, and for a canary a {@link CanaryController} moves through its stages, with its state in
 * {@code <stateDir>/canary-<model>.json} so a restarted server resumes it. When a canary ends (rolled back or
 * promoted) the model is reloaded: the registry alias then names the version to serve.
 */
final class Rollouts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rollouts.class);

    private final ModelRegistry registry;
    private final String alias;
    private final ReferenceServer.Operations operations;
    private final MeterRegistry meters;
    private final VariantMetrics variantMetrics;
    private final Map<String, Rollout> active = new ConcurrentHashMap<>();
    private Consumer<String> reload = model -> { };

    /** A variant and the registry version that answers for it. */
    record Variant(String name, int version) {}

    /** One model's running experiment. */
    static final class Rollout {
        final String model;
        final List<Variant> variants;
        final TrafficRouter router;
        final AbTest test;
        final @Nullable CanaryController canary;
        final String salt;
        final CompositeMeterRegistry view;

        private Rollout(String model, List<Variant> variants, TrafficSplit split, @Nullable CanaryController canary,
                CompositeMeterRegistry view) {
            this.model = model;
            this.variants = List.copyOf(variants);
            this.router = TrafficRouter.of(split);
            this.salt = split.salt();
            this.test = new AbTest(variants.get(0).name(), variants.get(1).name(), AbTest.Policy.defaults());
            this.canary = canary;
            this.view = view;
        }

        int version(String variant) {
            for (Variant v : variants) {
                if (v.name().equals(variant)) {
                    return v.version();
                }
            }
            throw new IllegalArgumentException("Variant \"" + variant + "\" is not part of the rollout of \"" + model + "\"");
        }

        @Nullable String variantOf(String version) {
            for (Variant v : variants) {
                if (Integer.toString(v.version()).equals(version)) {
                    return v.name();
                }
            }
            return null;
        }
    }

    Rollouts(ModelRegistry registry, String alias, ReferenceServer.Operations operations, MeterRegistry meters,
            VariantMetrics variantMetrics) {
        this.registry = registry;
        this.alias = alias;
        this.operations = operations;
        this.meters = meters;
        this.variantMetrics = variantMetrics;
    }

    /** @param reload reloads a model into the inference service (called when a rollout starts or ends) */
    void onChange(Consumer<String> reload) {
        this.reload = reload;
    }

    /** @return the rollout of a model, if one runs */
    @Nullable Rollout active(String model) {
        return active.get(model);
    }

    /** @return the registry versions a model's running rollout needs served, besides its alias version */
    List<Integer> versions(String model) {
        Rollout rollout = active.get(model);
        return rollout == null ? List.of() : rollout.variants.stream().map(Variant::version).toList();
    }

    /** Resumes the canaries saved in the state directory that were still running. */
    void resume() {
        Path dir = operations.stateDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().matches("canary-.+\\.json")).sorted().toList();
        } catch (IOException e) {
            throw new dev.anomalyops.core.StorageException("Cannot list the rollout state directory " + dir + ": "
                    + e.getMessage(), e);
        }
        for (Path file : files) {
            CompositeMeterRegistry view = new CompositeMeterRegistry();
            view.add(meters);
            Optional<CanaryController> resumed = CanaryController.resume(operations.canaryPolicy(), new CanaryStore(file),
                    RolloutActions.registry(registry), operations.clock(), view);
            if (resumed.isEmpty() || resumed.get().status().phase() != CanaryStatus.Phase.RUNNING) {
                view.close();
                continue;
            }
            CanaryStatus status = resumed.get().status();
            LOG.info("Resuming the canary of \"{}\" (version {} against {}) at {}% of traffic", status.model(),
                    status.canaryVersion(), status.baselineVersion(), status.canaryPercent());
            activate(canaryRollout(resumed.get(), view));
        }
    }

    /**
     * Starts an A/B test between registry aliases.
     *
     * @param model the model
     * @param weights alias to weight, in slice order (two aliases)
     * @return the rollout
     */
    synchronized Rollout startAb(String model, Map<String, Double> weights) {
        requireIdle(model);
        if (weights.size() != 2) {
            throw new ConfigurationException("An A/B test of \"" + model + "\" needs 2 variants (registry aliases) but got "
                    + weights.keySet());
        }
        List<Variant> variants = new ArrayList<>();
        List<TrafficSplit.Weighted> split = new ArrayList<>();
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            ModelVersion version = registry.resolve(model, e.getKey()).orElseThrow(() -> new NotFoundException(
                    "Alias \"" + e.getKey() + "\" of model \"" + model + "\" is not set, so it cannot be an A/B variant"));
            variants.add(new Variant(e.getKey(), version.version()));
            split.add(new TrafficSplit.Weighted(e.getKey(), e.getValue()));
        }
        Rollout rollout = new Rollout(model, variants, new TrafficSplit(split, "ab-" + model), null, view(model, variants));
        activate(rollout);
        LOG.info("A/B test of \"{}\" started: {}", model, weights);
        return rollout;
    }

    /**
     * Starts a canary: the alias moves to the new version, which then takes the policy's first stage of traffic.
     *
     * @param model the model
     * @param canaryVersion the version to roll out
     * @return the rollout
     */
    synchronized Rollout startCanary(String model, int canaryVersion) {
        requireIdle(model);
        registry.find(model, canaryVersion).orElseThrow(() -> new NotFoundException("Model \"" + model
                + "\" has no version " + canaryVersion + " to roll out"));
        ModelVersion baseline = registry.resolve(model, alias).orElseGet(() -> {
            List<ModelVersion> versions = registry.versions(model);
            return versions.get(versions.size() - 1);
        });
        if (baseline.version() == canaryVersion) {
            throw new ConfigurationException("Version " + canaryVersion + " of \"" + model + "\" already serves as \""
                    + alias + "\"; a canary needs a different version");
        }
        registry.setAlias(model, alias, canaryVersion);
        List<Variant> variants = List.of(new Variant(CanaryController.CANARY, canaryVersion),
                new Variant(CanaryController.BASELINE, baseline.version()));
        CompositeMeterRegistry view = view(model, variants);
        CanaryController controller = CanaryController.start(model, alias, baseline.version(), canaryVersion,
                operations.canaryPolicy(), new CanaryStore(stateFile(model)), RolloutActions.registry(registry),
                operations.clock(), view);
        Rollout rollout = canaryRollout(controller, view);
        activate(rollout);
        LOG.info("Canary of \"{}\" started: version {} against {} at {}%", model, canaryVersion, baseline.version(),
                controller.canaryPercent());
        return rollout;
    }

    private Rollout canaryRollout(CanaryController controller, CompositeMeterRegistry view) {
        CanaryStatus status = controller.status();
        List<Variant> variants = List.of(new Variant(CanaryController.CANARY, status.canaryVersion()),
                new Variant(CanaryController.BASELINE, status.baselineVersion()));
        configure(view, status.model(), variants);
        return new Rollout(status.model(), variants, controller.split("canary-" + status.model()), controller, view);
    }

    private Path stateFile(String model) {
        try {
            Files.createDirectories(operations.stateDir());
        } catch (IOException e) {
            throw new dev.anomalyops.core.StorageException("Cannot create the rollout state directory "
                    + operations.stateDir() + ": " + e.getMessage(), e);
        }
        return operations.stateDir().resolve("canary-" + model + ".json");
    }

    private void requireIdle(String model) {
        if (!registry.models().contains(model)) {
            throw new NotFoundException("Model \"" + model + "\" is not in the registry (models: " + registry.models() + ")");
        }
        if (active.containsKey(model)) {
            throw new ConfigurationException("Model \"" + model + "\" already has a running rollout; abort it first");
        }
    }

    /**
     * A meter registry that adds the model and each variant's version to the library's per-variant meters, so
     * {@code model_accuracy} and friends carry the same labels ({@code model, version, variant}) whichever
     * component registers them.
     */
    private CompositeMeterRegistry view(String model, List<Variant> variants) {
        CompositeMeterRegistry view = new CompositeMeterRegistry();
        configure(view, model, variants);
        view.add(meters);
        return view;
    }

    private static void configure(CompositeMeterRegistry view, String model, List<Variant> variants) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (Variant v : variants) {
            versions.put(v.name(), Integer.toString(v.version()));
        }
        view.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                Meter.Id mapped = id.getTag("model") == null ? id.withTag(Tag.of("model", model)) : id;
                String variant = id.getTag("variant");
                if (variant != null && id.getTag("version") == null && versions.containsKey(variant)) {
                    mapped = mapped.withTag(Tag.of("version", versions.get(variant)));
                }
                return mapped;
            }
        });
    }

    private void activate(Rollout rollout) {
        // Per-variant quality meters first, so model_accuracy{variant} is the windowed feedback accuracy.
        for (Variant v : rollout.variants) {
            variantMetrics.of(rollout.model, Integer.toString(v.version()), v.name());
        }
        new AbMetrics(rollout.view, rollout.router, rollout.test, rollout.variants.get(0).name(),
                rollout.variants.get(1).name());
        active.put(rollout.model, rollout);
        reload.accept(rollout.model);
    }

    /**
     * Evaluates a model's canary now (the server also does it on a schedule): advances, holds, rolls back or
     * promotes, and updates the traffic split.
     *
     * @param model the model
     * @return the decision
     */
    synchronized CanaryController.Decision evaluate(String model) {
        Rollout rollout = requireCanary(model);
        CanaryController.Decision decision = rollout.canary.evaluate();
        settle(rollout, decision);
        return decision;
    }

    /** Evaluates every running canary (the scheduled task). */
    void evaluateAll() {
        for (Rollout rollout : List.copyOf(active.values())) {
            if (rollout.canary != null) {
                try {
                    evaluate(rollout.model);
                } catch (RuntimeException e) {
                    LOG.warn("Evaluating the canary of \"{}\" failed: {}", rollout.model, e.toString());
                }
            }
        }
    }

    /**
     * Aborts a model's rollout: a canary rolls back (the alias moves back); an A/B test just stops.
     *
     * @param model the model
     * @param reason why
     * @return the canary's status, or empty for an A/B test
     */
    synchronized Optional<CanaryStatus> abort(String model, String reason) {
        Rollout rollout = active.get(model);
        if (rollout == null) {
            throw new NotFoundException("Model \"" + model + "\" has no running rollout");
        }
        if (rollout.canary == null) {
            end(rollout);
            return Optional.empty();
        }
        settle(rollout, rollout.canary.abort(reason));
        return Optional.of(rollout.canary.status());
    }

    private void settle(Rollout rollout, CanaryController.Decision decision) {
        rollout.router.update(rollout.canary.split(rollout.salt));
        if (decision == CanaryController.Decision.ROLLED_BACK || decision == CanaryController.Decision.PROMOTED) {
            end(rollout);
        }
    }

    private void end(Rollout rollout) {
        active.remove(rollout.model);
        reload.accept(rollout.model);
        // The experiment's gauges go; the per-variant counters stay (Prometheus counters must not vanish mid-run).
        for (String name : List.of("ab_traffic_split_ratio", "p_value")) {
            meters.find(name).tag("model", rollout.model).meters().forEach(meters::remove);
        }
    }

    private Rollout requireCanary(String model) {
        Rollout rollout = active.get(model);
        if (rollout == null || rollout.canary == null) {
            throw new NotFoundException("Model \"" + model + "\" has no running canary");
        }
        return rollout;
    }

    /**
     * @param model the model
     * @return the running canary's status, or the last saved one
     */
    CanaryStatus canaryStatus(String model) {
        Rollout rollout = active.get(model);
        if (rollout != null && rollout.canary != null) {
            return rollout.canary.status();
        }
        Path file = operations.stateDir().resolve("canary-" + model + ".json");
        if (Files.isRegularFile(file)) {
            CompositeMeterRegistry scratch = new CompositeMeterRegistry();
            return CanaryController.resume(operations.canaryPolicy(), new CanaryStore(file), RolloutActions.registry(registry),
                    operations.clock(), scratch).map(CanaryController::status).orElseThrow();
        }
        throw new NotFoundException("Model \"" + model + "\" has no canary rollout");
    }

    /**
     * Records a routed request's outcome for the canary gates.
     *
     * @param rollout the rollout
     * @param variant the variant that answered
     * @param latency how long it took
     * @param error whether it failed on the server's side
     */
    static void recordRequest(Rollout rollout, String variant, Duration latency, boolean error) {
        if (rollout.canary != null) {
            rollout.canary.recordRequest(arm(variant), latency, error);
        }
    }

    /**
     * Records labelled feedback on a routed prediction.
     *
     * @param rollout the rollout
     * @param variant the variant that predicted
     * @param correct whether the prediction was right
     */
    static void recordFeedback(Rollout rollout, String variant, boolean correct) {
        rollout.test.record(variant, correct);
        if (rollout.canary != null) {
            rollout.canary.recordFeedback(arm(variant), correct);
        }
    }

    private static CanaryController.Arm arm(String variant) {
        return CanaryController.CANARY.equals(variant) ? CanaryController.Arm.CANARY : CanaryController.Arm.BASELINE;
    }

    @Override
    public void close() {
        for (Rollout rollout : active.values()) {
            rollout.view.close();
        }
    }
}
