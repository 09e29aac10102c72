package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.registry.AliasChange;

/** JSON and text for alias moves. */
final class AliasDocuments {
    private AliasDocuments() {}

    static ObjectNode of(Output output, AliasChange change) {
        ObjectNode node = output.object();
        node.put("model", change.model());
        node.put("alias", change.alias());
        if (change.previous().isPresent()) {
            node.put("previous", change.previous().getAsInt());
        } else {
            node.putNull("previous");
        }
        node.put("current", change.current());
        node.put("changed", change.changed());
        return node;
    }

    static String describe(AliasChange change) {
        String from = change.previous().isPresent() ? "version " + change.previous().getAsInt() : "nothing";
        return change.changed()
                ? change.model() + "@" + change.alias() + ": " + from + " -> version " + change.current()
                : change.model() + "@" + change.alias() + " already points at version " + change.current();
    }
}
