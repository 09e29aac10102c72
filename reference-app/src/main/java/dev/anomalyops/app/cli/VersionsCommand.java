package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code anomalyops versions}: list models, or one model's versions and aliases. */
@Command(name = "versions", mixinStandardHelpOptions = true,
        description = "List registered models, or the versions and aliases of one model.")
final class VersionsCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    RegistryOption registry;

    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "A model name; omit to list models.")
    String model;

    @Override
    public Integer call() {
        try (ModelRegistry models = registry.open()) {
            ObjectNode document = output.object();
            StringBuilder text = new StringBuilder();
            if (model == null) {
                ArrayNode names = document.putArray("models");
                for (String name : models.models()) {
                    names.add(name);
                    text.append(name).append('\n');
                }
            } else {
                List<ModelVersion> versions = models.versions(model);
                Map<String, Integer> aliases = models.aliases(model);
                document.put("model", model);
                ArrayNode list = document.putArray("versions");
                for (ModelVersion version : versions) {
                    list.add(Documents.version(version));
                    text.append(String.format("%4d  %s  %-14s %s%n", version.version(), version.registeredAt(),
                            version.format(), version.tags().isEmpty() ? "" : version.tags()));
                }
                ObjectNode aliasNode = document.putObject("aliases");
                aliases.forEach(aliasNode::put);
                aliases.forEach((alias, version) -> text.append(alias).append(" -> ").append(version).append('\n'));
            }
            output.print(document, text.toString().stripTrailing());
        }
        return 0;
    }
}
