package dev.anomalyops.rag.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.rag.Incident;
import dev.anomalyops.rag.internal.IncidentJson;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;

/** An incident as the JSON payload stored in the embedded store's file. */
final class PayloadCodec {
    private PayloadCodec() {}

    static String encode(Incident incident) {
        ObjectNode node = IncidentJson.object();
        node.put("id", incident.id());
        node.put("message", incident.message());
        IncidentJson.put(node, "service", incident.service());
        node.put("severity", incident.severity());
        IncidentJson.put(node, "root_cause", incident.rootCause());
        IncidentJson.put(node, "resolution", incident.resolution());
        node.put("occurred_at", incident.occurredAt().toString());
        IncidentJson.put(node, "resolved_at", incident.resolvedAt());
        return IncidentJson.write(node);
    }

    static Incident decode(String json) throws IOException {
        JsonNode node = IncidentJson.read(json);
        return new Incident(
                Objects.requireNonNull(IncidentJson.text(node, "id"), "id"),
                Objects.requireNonNull(IncidentJson.text(node, "message"), "message"),
                IncidentJson.text(node, "service"),
                Objects.requireNonNull(IncidentJson.text(node, "severity"), "severity"),
                IncidentJson.text(node, "root_cause"),
                IncidentJson.text(node, "resolution"),
                Instant.parse(Objects.requireNonNull(IncidentJson.text(node, "occurred_at"), "occurred_at")),
                IncidentJson.instant(node, "resolved_at"));
    }
}
