package dev.anomalyops.app.server;

import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.triton.server.ModelSource;
import dev.anomalyops.triton.server.ServedModel;
import java.util.List;
import java.util.Optional;

/**
 * Models from a registry: a model's served version is the one its alias (e.g. {@code champion}) points at, or
 * its latest version when the alias is not set; the version label clients see is the registry's version number.
 */
final class RegistryModelSource implements ModelSource {
    private final ModelRegistry registry;
    private final String alias;
    private final ScorerOptions options;
    private final List<String> only;

    RegistryModelSource(ModelRegistry registry, String alias, ScorerOptions options, List<String> only) {
        this.registry = registry;
        this.alias = alias;
        this.options = options;
        this.only = List.copyOf(only);
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
        ModelVersion version = aliased.orElse(versions.get(versions.size() - 1));
        return List.of(new ServedModel(Integer.toString(version.version()),
                Scorers.open(registry.open(version), options)));
    }
}
