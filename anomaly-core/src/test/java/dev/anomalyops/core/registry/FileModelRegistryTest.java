package dev.anomalyops.core.registry;

import dev.anomalyops.core.testing.ModelRegistryContract;

/** The shared registry contract, run against the file-system registry. */
class FileModelRegistryTest extends ModelRegistryContract {
    @Override
    protected ModelRegistry createRegistry() {
        return FileModelRegistry.open(temp.resolve("registry"));
    }
}
