package dev.anomalyops.app.cli;

import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code anomalyops register}: store a bundle as the next version of a model, optionally moving an alias to it. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Register a bundle as a new, immutable version of a model.")
final class RegisterCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    RegistryOption registry;

    @Parameters(paramLabel = "BUNDLE", description = "A bundle directory or .zip archive.")
    Path bundlePath;

    @Option(names = "--model", description = "Registered model name (default: the bundle's own name).")
    String model;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A searchable tag; repeatable.")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(names = "--alias", description = "Also point this alias (e.g. staging) at the new version.")
    String alias;

    @Override
    public Integer call() {
        ModelBundle bundle = ModelBundle.read(bundlePath);
        try (ModelRegistry models = registry.open()) {
            ModelVersion version = models.register(model != null ? model : bundle.manifest().name(), bundle, tags);
            if (alias != null) {
                models.setAlias(version.model(), alias, version.version());
            }
            var document = Documents.version(version);
            if (alias != null) {
                document.put("alias", alias);
            }
            output.print(document, "Registered " + version.ref() + (alias != null ? " as " + alias : "")
                    + " (bundle " + version.bundleChecksum().substring(0, 12) + ")");
        }
        return 0;
    }
}
