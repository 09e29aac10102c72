package dev.anomalyops.app.cli;

import dev.anomalyops.core.registry.AliasChange;
import dev.anomalyops.core.registry.ModelRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code anomalyops promote}: point an alias at a version, atomically. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Point an alias (champion, challenger, staging, production, ...) at a version.")
final class PromoteCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    RegistryOption registry;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Registered model name.")
    String model;

    @Parameters(index = "1", paramLabel = "VERSION", description = "Version number to promote.")
    int version;

    @Option(names = "--alias", defaultValue = "production", description = "Alias to move (default: ${DEFAULT-VALUE}).")
    String alias;

    @Override
    public Integer call() {
        try (ModelRegistry models = registry.open()) {
            AliasChange change = models.setAlias(model, alias, version);
            output.print(AliasDocuments.of(output, change), AliasDocuments.describe(change));
        }
        return 0;
    }
}
