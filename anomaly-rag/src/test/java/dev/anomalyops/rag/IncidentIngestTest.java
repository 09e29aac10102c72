package dev.anomalyops.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.rag.store.EmbeddedIncidentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading JSON Lines and CSV incident files: fields and synonyms, times, repeats, and rejected rows with reasons. */
class IncidentIngestTest {
    @TempDir
    Path temp;

    @Test
    void readsJsonLinesWithSynonymsAndKeepsRejectedRowsWithReasons() throws Exception {
        Path file = Files.writeString(temp.resolve("incidents.jsonl"), String.join("\n",
                "{\"id\":\"INC-1\",\"message\":\"Disk full on db-7\",\"service\":\"db\",\"severity\":\"High\","
                        + "\"root_cause\":\"No log rotation\",\"resolution\":\"Enabled logrotate\","
                        + "\"occurred_at\":\"2025-01-03T10:00:00Z\",\"resolved_at\":\"2025-01-03T10:45:00Z\"}",
                "",
                "{\"ticket\":\"INC-2\",\"summary\":\"Pool exhausted\",\"component\":\"payments\",\"priority\":\"P1\","
                        + "\"cause\":\"Slow query\",\"fix\":\"Killed it\",\"timestamp\":1735898400}",
                "{\"id\":\"INC-1-copy\",\"message\":\"Disk full on db-7\",\"service\":\"db\",\"severity\":\"high\","
                        + "\"root_cause\":\"No log rotation\",\"resolution\":\"Enabled logrotate\","
                        + "\"occurred_at\":\"2025-01-03T11:00:00+01:00\",\"resolved_at\":\"2025-01-03T10:45:00Z\"}",
                "{\"message\":\"no time\"}",
                "{\"message\":\"   \",\"occurred_at\":\"2025-01-01T00:00:00Z\"}",
                "{\"message\":\"bad time\",\"occurred_at\":\"yesterday\"}",
                "{\"message\":\"resolved before\",\"occurred_at\":\"2025-01-02T00:00:00Z\",\"resolved_at\":\"2025-01-01T00:00:00Z\"}",
                "not json at all",
                "[1, 2]"));
        IncidentIngest.Parsed parsed = IncidentIngest.read(file);
        assertThat(parsed.incidents()).extracting(Incident::id).containsExactly("INC-1", "INC-2");
        Incident second = parsed.incidents().get(1);
        assertThat(second.service()).isEqualTo("payments");
        assertThat(second.severity()).isEqualTo("p1");
        assertThat(second.rootCause()).isEqualTo("Slow query");
        assertThat(second.occurredAt()).isEqualTo(Instant.ofEpochSecond(1735898400));
        assertThat(parsed.repeated()).isEqualTo(1);
        assertThat(parsed.rejected()).extracting(IncidentIngest.Rejected::line).containsExactly(5, 6, 7, 8, 9, 10);
        assertThat(parsed.rejected().get(0).reason()).contains("occurred_at is missing");
        assertThat(parsed.rejected().get(1).reason()).contains("message is missing or empty");
        assertThat(parsed.rejected().get(2).reason()).contains("\"yesterday\" is not an ISO-8601 time");
        assertThat(parsed.rejected().get(3).reason()).contains("before it occurred");
        assertThat(parsed.rejected().get(4).reason()).startsWith("not valid JSON");
        assertThat(parsed.rejected().get(5).reason()).contains("expected a JSON object but found array");
    }

    @Test
    void readsCsvWithQuotesAndEmbeddedLineBreaks() throws Exception {
        Path file = Files.writeString(temp.resolve("incidents.csv"), "\ufeffIncident ID,Summary,Service,Severity,Root Cause,Resolution,Created At,Closed At\r\n"
                + "INC-7,\"Timeout, then retry storm\",api,critical,\"Client retried \"\"forever\"\"\",\"Added backoff;\nrolled out\",2025-02-01 08:00:00,2025-02-01 09:30:00\r\n"
                + "INC-8,OOM in worker,jobs,,,,2025-02-02T00:00:00Z,\r\n"
                + "INC-9,only three,fields\r\n");
        IncidentIngest.Parsed parsed = IncidentIngest.read(file);
        assertThat(parsed.incidents()).hasSize(2);
        Incident first = parsed.incidents().get(0);
        assertThat(first.message()).isEqualTo("Timeout, then retry storm");
        assertThat(first.rootCause()).isEqualTo("Client retried \"forever\"");
        assertThat(first.resolution()).isEqualTo("Added backoff;\nrolled out");
        assertThat(first.occurredAt()).isEqualTo(Instant.parse("2025-02-01T08:00:00Z"));
        assertThat(first.resolvedAt()).isEqualTo(Instant.parse("2025-02-01T09:30:00Z"));
        assertThat(parsed.incidents().get(1).severity()).isEqualTo("unknown");
        assertThat(parsed.incidents().get(1).rootCause()).isNull();
        assertThat(parsed.rejected()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(5);
            assertThat(r.reason()).contains("expected 8 fields as in the header but found 3");
        });

        Path noMessage = Files.writeString(temp.resolve("bad.csv"), "id,when\n1,2025-01-01T00:00:00Z\n");
        assertThat(IncidentIngest.read(noMessage).rejected()).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("lacks a message column"));
    }

    @Test
    void ingestsIntoAStoreOnceAndReportsDuplicates() throws Exception {
        Path file = Files.writeString(temp.resolve("i.jsonl"), String.join("\n",
                "{\"message\":\"Disk full on db-7\",\"occurred_at\":\"2025-01-03T10:00:00Z\"}",
                "{\"message\":\"Pool exhausted on payments-db\",\"occurred_at\":\"2025-01-04T10:00:00Z\"}",
                "{\"message\":\"Pool exhausted on payments-db\",\"occurred_at\":\"2025-01-04T10:00:00Z\"}",
                "{\"message\":\"broken\"}"));
        try (EmbeddedIncidentStore store = EmbeddedIncidentStore.inMemory(384)) {
            IncidentIngest.Report first = IncidentIngest.ingest(file, TestEmbedder.get(), store);
            assertThat(first.rows()).isEqualTo(4);
            assertThat(first.added()).isEqualTo(2);
            assertThat(first.duplicates()).isEqualTo(1);
            assertThat(first.rejected()).hasSize(1);
            IncidentIngest.Report again = IncidentIngest.ingest(file, TestEmbedder.get(), store);
            assertThat(again.added()).isZero();
            assertThat(again.duplicates()).isEqualTo(3);
            assertThat(store.count()).isEqualTo(2);
        }
    }
}
