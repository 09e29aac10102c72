package dev.anomalyops.app.server;

import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.drift.DriftMonitor;
import dev.anomalyops.drift.ReferenceProfile;
import dev.anomalyops.triton.server.ModelSource;
import dev.anomalyops.triton.server.ServedModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models from a registry: a model's served version is the one its alias (e.g. {@code champion}) points at, or
 * its latest version when the alias is not set, plus the versions a running A/B test or canary needs; the
 * version label clients see is the registry's version number. Bundles that carry a drift reference are scored
 * through a {@link DriftMonitor} (one per version, kept across reloads) whose gauges go to the server's registry.
 */
final class RegistryModelSource implements ModelSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryModelSource.class);

    private final ModelRegistry registry;
    private final String alias;
    private final ScorerOptions options;
    private final List<String> only;
    private final Function<String, List<Integer>> rolloutVersions;
    private final MeterRegistry meters;
    private final ReferenceServer.Operations operations;
    private final Map<String, DriftMonitor> monitors = new ConcurrentHashMap<>();

    RegistryModelSource(ModelRegistry registry, String alias, ScorerOptions options, List<String> only,
            Function<String, List<Integer>> rolloutVersions, MeterRegistry meters, ReferenceServer.Operations operations) {
        this.registry = registry;
        this.alias = alias;
        this.options = options;
        this.only = List.copyOf(only);
        this.rolloutVersions = rolloutVersions;
        this.meters = meters;
        this.operations = operations;
    }

    @Override
    public List<String> models() {
        return only.isEmpty() ? registry.models() : only;
    }

    @Override
    public List<ServedModel> load(String model) {
        if (!models().contains(model)) {
            throw new NotFoundException("Model '" + model + "' is not in the registry (models: " + models() + ")");
        }
        Optional<ModelVersion> aliased = registry.resolve(model, alias);
        List<ModelVersion> versions = registry.versions(model);
        if (aliased.isEmpty() && versions.isEmpty()) {
            throw new NotFoundException("Model '" + model + "' has no registered version");
        }
        List<Integer> numbers = new ArrayList<>();
        numbers.add(aliased.orElse(versions.get(versions.size() - 1)).version());
        for (int extra : rolloutVersions.apply(model)) {
            if (!numbers.contains(extra)) {
                numbers.add(extra);
            }
        }
        List<ServedModel> served = new ArrayList<>();
        for (int number : numbers) {
            ModelVersion version = registry.find(model, number).orElseThrow(() -> new NotFoundException(
                    "Model '" + model + "' has no version " + number));
            ModelBundle bundle = registry.open(version);
            Scorer scorer = operations.scorerHook().apply(version, Scorers.open(bundle, options));
            served.add(new ServedModel(Integer.toString(number), monitored(model, number, bundle, scorer)));
        }
        return served;
    }

    private Scorer monitored(String model, int version, ModelBundle bundle, Scorer scorer) {
        Optional<ReferenceProfile> profile = ReferenceProfile.fromBundle(bundle);
        if (profile.isEmpty()) {
            return scorer;
        }
        DriftMonitor monitor = monitors.computeIfAbsent(model + '\u0000' + version, k -> {
            DriftMonitor m = DriftMonitor.builder(profile.get(), model, Integer.toString(version))
                    .anomalyThreshold(bundle.manifest().threshold()).window(operations.driftWindow())
                    .clock(operations.clock()).build();
            m.bindTo(meters);
            LOG.info("Drift monitoring of model \"{}\" version {} against its training reference is on", model, version);
            return m;
        });
        return monitor.monitor(scorer);
    }

    /** @return the drift monitor of a served version, if its bundle has a reference */
    Optional<DriftMonitor> monitor(String model, int version) {
        return Optional.ofNullable(monitors.get(model + '\u0000' + version));
    }

    @Override
    public void close() {
        monitors.values().forEach(DriftMonitor::close);
        monitors.clear();
    }
}
