package dev.anomalyops.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./bench rag} end to end on a small corpus in Loghub's layout (two systems, three templates each,
 * quoted fields included), parsed exactly as the launcher parses it.
 */
class RagRunnerTest {
    @TempDir
    Path loghub;

    private void writeSystem(String name, List<String[]> templates) throws Exception {
        Path dir = Files.createDirectories(loghub.resolve(name));
        Random random = new Random(name.hashCode());
        StringBuilder csv = new StringBuilder("LineId,Time,Level,Content,EventId,EventTemplate\n");
        for (int i = 0; i < 60; i++) {
            String[] t = templates.get(i % templates.size());
            String content = t[1].replace("<*>", Integer.toString(random.nextInt(100_000)));
            csv.append(i + 1).append(",2025-01-01,").append(i % 7 == 0 ? "error" : "info").append(",\"")
                    .append(content.replace("\"", "\"\"")).append("\",").append(t[0]).append(",\"").append(t[1]).append("\"\n");
        }
        Files.writeString(dir.resolve(name + "_2k.log_structured.csv"), csv);
    }

    @Test
    void printsTheIssueFiguresFirstAndRetrievesFarAboveChance() throws Exception {
        List<String[]> web = new ArrayList<>();
        web.add(new String[] {"E1", "mod_jk child workerEnv in error state <*>"});
        web.add(new String[] {"E2", "Directory index forbidden by rule: /var/www/html/<*>"});
        web.add(new String[] {"E3", "jk2_init() Found child <*> in scoreboard slot 6"});
        List<String[]> ssh = new ArrayList<>();
        ssh.add(new String[] {"E1", "Failed password for invalid user admin from 10.0.0.<*> port 22 ssh2"});
        ssh.add(new String[] {"E2", "Received disconnect from 173.234.31.<*>: 11: Bye Bye [preauth]"});
        ssh.add(new String[] {"E3", "pam_unix(sshd:auth): check pass; user unknown, \"uid\" <*>"});
        writeSystem("Apache", web);
        writeSystem("OpenSSH", ssh);

        CommandLine.ParseResult parsed = Bench.commandLine().parseArgs("rag", "--loghub", loghub.toString(),
                "--per-system", "60", "--explain-queries", "10");
        RagRunner runner = (RagRunner) parsed.subcommand().commandSpec().userObject();
        ObjectNode figures = runner.call();

        List<String> keys = new ArrayList<>();
        figures.fieldNames().forEachRemaining(keys::add);
        assertThat(keys.subList(0, 5)).containsExactly("embeddings_per_second", "search_ms_10k", "search_ms_100k",
                "explain_p95_ms", "precision_at_5");
        for (String key : keys.subList(0, 5)) {
            assertThat(figures.get(key).asDouble()).as(key).isPositive();
        }
        // Six templates among 120 lines: chance is about 1/6; the nearest neighbours share the template.
        assertThat(figures.get("chance_at_5").asDouble()).isBetween(0.1, 0.25);
        assertThat(figures.get("precision_at_5").asDouble()).isGreaterThan(0.8);
        assertThat(figures.get("search_ms_100k").asDouble()).isGreaterThan(figures.get("search_ms_10k").asDouble());
        assertThat(figures.get("explain_with_incidents").asInt()).isPositive();
        assertThat(figures.get("explain_mean_grounding").asDouble()).isGreaterThan(0.9);
    }
}
