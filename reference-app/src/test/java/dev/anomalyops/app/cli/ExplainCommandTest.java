package dev.anomalyops.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anomalyops explain} end to end: ingest incidents into a store file, explain, print text or JSON. */
class ExplainCommandTest {
    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AnomalyOpsCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpDocumentsTheCommand() {
        Run help = run("explain", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--message", "--incidents", "--store", "--qdrant", "--llm-url", "--llm-model",
                "--structured", "--stream", "--min-similarity", "--json", "root cause analysis");
    }

    @Test
    void explainsFromIngestedIncidentsAndKeepsTheStore() throws Exception {
        Path incidents = Files.writeString(temp.resolve("incidents.jsonl"), String.join("\n",
                "{\"id\":\"INC-101\",\"message\":\"Connection pool exhausted: 50 of 50 connections in use on payments-db\","
                        + "\"service\":\"payments\",\"severity\":\"critical\",\"root_cause\":\"A slow report query held connections.\","
                        + "\"resolution\":\"Killed the report query.\",\"occurred_at\":\"2025-01-03T10:00:00Z\","
                        + "\"resolved_at\":\"2025-01-03T10:45:00Z\"}",
                "{\"id\":\"INC-142\",\"message\":\"Disk usage at 97% on /var/lib/kafka on broker-3\",\"service\":\"kafka\","
                        + "\"occurred_at\":\"2025-02-03T10:00:00Z\"}",
                "{\"message\":\"no time\"}"));
        Path store = temp.resolve("incidents.store");
        Run text = run("explain", "--incidents", incidents.toString(), "--store", store.toString(),
                "--message", "Connection pool exhausted: 50 of 50 connections busy on payments-db", "--score", "0.97",
                "--threshold", "0.5", "--service", "payments", "--feature", "db_active_connections=50:1.42");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.err()).contains("3 rows, 2 added, 0 duplicates, 1 rejected").contains("line 3: occurred_at is missing");
        assertThat(text.out()).contains("Explanation by template", "Root cause analysis", "A slow report query held connections.",
                "[1] ", "INC-101", "Grounding: 1.00");
        assertThat(Files.size(store)).isPositive();

        Run json = run("explain", "--store", store.toString(), "--message", "Disk usage at 98% on /var/lib/kafka on broker-1",
                "--score", "0.9", "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode doc = Output.mapper().readTree(json.out());
        assertThat(doc.get("generator").asText()).isEqualTo("template");
        assertThat(doc.get("incidents").get(0).get("id").asText()).isEqualTo("INC-142");
        assertThat(doc.get("sections").get("root_cause_analysis").asText()).contains("no recorded root cause");
    }

    @Test
    void anUnreachableQdrantStillGivesAnExplanationThatSaysWhy() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        // Nothing listens on the port any more: Qdrant is down.
        Run down = run("explain", "--qdrant", "127.0.0.1:" + port, "--message", "Connection pool exhausted on payments-db",
                "--score", "0.97", "--feature", "db_active_connections=50:1.42", "--json");
        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(down.err()).contains("cannot be reached; explaining without past incidents");
        JsonNode doc = Output.mapper().readTree(down.out());
        assertThat(doc.get("generator").asText()).isEqualTo("template");
        assertThat(doc.get("incidents")).isEmpty();
        assertThat(doc.get("notice").asText()).startsWith("The incident store could not be searched (").contains("Qdrant");
        assertThat(doc.get("sections").get("root_cause_analysis").asText()).contains("db_active_connections");

        // Loading incidents needs the store: that fails with one line instead.
        Path incidents = Files.writeString(temp.resolve("i.jsonl"), "{\"message\":\"x\",\"occurred_at\":\"2025-01-03T10:00:00Z\"}");
        Run load = run("explain", "--qdrant", "127.0.0.1:" + port, "--incidents", incidents.toString(), "--message", "x");
        assertThat(load.exitCode()).isNotZero();
        assertThat(load.err().strip()).startsWith("anomalyops: ").doesNotContain("\n");
    }

    @Test
    void badInputFailsWithOneLine() {
        Run badFeature = run("explain", "--message", "x", "--feature", "cpu");
        assertThat(badFeature.exitCode()).isEqualTo(AnomalyOpsCli.BAD_INPUT);
        assertThat(badFeature.err().strip()).startsWith("anomalyops: --feature \"cpu\" must be NAME=VALUE:CONTRIBUTION")
                .doesNotContain("\n");
        Run noModel = run("explain", "--message", "x", "--llm-url", "http://127.0.0.1:9/v1");
        assertThat(noModel.exitCode()).isEqualTo(AnomalyOpsCli.FAILED);
        assertThat(noModel.err()).contains("--llm-url needs --llm-model");
    }
}
