package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** JSON forms of SDK values for {@code --json} output. */
final class Documents {
    private Documents() {}

    static ObjectNode version(ModelVersion version) {
        ObjectNode node = Output.mapper().createObjectNode();
        node.put("model", version.model());
        node.put("version", version.version());
        node.put("ref", version.ref());
        node.put("bundleChecksum", version.bundleChecksum());
        node.put("bundleVersion", version.bundleVersion());
        node.put("format", version.format());
        node.put("schemaFingerprint", version.schemaFingerprint());
        node.put("registeredAt", version.registeredAt().toString());
        ObjectNode tags = node.putObject("tags");
        version.tags().forEach(tags::put);
        return node;
    }

    static ObjectNode bundle(ModelBundle bundle) {
        try {
            ObjectNode node = (ObjectNode) Output.mapper().readTree(
                    Files.readAllBytes(bundle.directory().resolve(ModelBundle.MANIFEST_FILE)));
            node.put("bundleChecksum", bundle.checksum());
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String describe(ModelBundle bundle) {
        var m = bundle.manifest();
        StringBuilder text = new StringBuilder();
        text.append(m.name()).append(' ').append(m.version()).append(" (").append(m.format()).append(")\n");
        text.append("  features:   ").append(m.schema().size()).append(" (fingerprint ")
                .append(m.schema().fingerprint()).append(")\n");
        text.append("  threshold:  ").append(m.threshold()).append('\n');
        text.append("  scaler:     ").append(m.scaler().map(Object::toString).orElse("none")).append('\n');
        text.append("  created:    ").append(m.createdAt()).append('\n');
        text.append("  metrics:    ").append(m.metrics().isEmpty() ? "none" : m.metrics().toString()).append('\n');
        text.append("  files:      ").append(m.files().keySet()).append('\n');
        text.append("  checksum:   ").append(bundle.checksum()).append(" (all files verified)");
        return text.toString();
    }
}
