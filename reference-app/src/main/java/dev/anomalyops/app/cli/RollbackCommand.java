package dev.anomalyops.app.cli;

import dev.anomalyops.core.registry.AliasChange;
import dev.anomalyops.core.registry.ModelRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code anomalyops rollback}: move an alias back to where it pointed before its last move. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Move an alias back to the version it pointed at before its last move.")
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    RegistryOption registry;

    @Parameters(paramLabel = "MODEL", description = "Registered model name.")
    String model;

    @Option(names = "--alias", defaultValue = "production", description = "Alias to roll back (default: ${DEFAULT-VALUE}).")
    String alias;

    @Override
    public Integer call() {
        try (ModelRegistry models = registry.open()) {
            AliasChange change = models.rollback(model, alias);
            output.print(AliasDocuments.of(output, change), AliasDocuments.describe(change));
        }
        return 0;
    }
}
