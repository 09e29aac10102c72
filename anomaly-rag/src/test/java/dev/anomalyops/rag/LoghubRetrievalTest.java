package dev.anomalyops.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.testing.SharedData;
import dev.anomalyops.rag.evaluation.RetrievalEvaluation;
import dev.anomalyops.rag.internal.Csv;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retrieval quality on real logs: Loghub's 2k samples with their hand-labelled (corrected) event templates.
 * Nearest neighbours of held-out messages must share the message's true template far more often than
 * chance. A subset (300 lines from each of two systems, one index) keeps the test short; {@code ./bench rag}
 * runs all systems.
 */
class LoghubRetrievalTest {
    static List<RetrievalEvaluation.Labelled> read(Path csv, String system, int limit) throws Exception {
        List<RetrievalEvaluation.Labelled> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            Csv parser = new Csv(reader);
            List<String> header = parser.next().fields();
            int content = header.indexOf("Content");
            int event = header.indexOf("EventId");
            Csv.Row row;
            while ((row = parser.next()) != null && out.size() < limit) {
                if (row.fields().size() == header.size() && !row.fields().get(content).isBlank()) {
                    out.add(new RetrievalEvaluation.Labelled(row.fields().get(content), system + ":" + row.fields().get(event)));
                }
            }
        }
        return out;
    }

    @Test
    void neighboursShareTheTrueTemplateFarMoreOftenThanChance() throws Exception {
        List<RetrievalEvaluation.Labelled> data = new ArrayList<>();
        data.addAll(read(SharedData.require("loghub/OpenSSH/OpenSSH_2k.log_structured_corrected.csv"), "OpenSSH", 300));
        data.addAll(read(SharedData.require("loghub/Zookeeper/Zookeeper_2k.log_structured_corrected.csv"), "Zookeeper", 300));
        RetrievalEvaluation.Result r = RetrievalEvaluation.evaluate(data, TestEmbedder.get(), 0.3, 5, 42);
        assertThat(r.queries()).isEqualTo(180);
        assertThat(r.precisionAtK()).as("%s", r).isGreaterThan(0.6).isGreaterThan(5 * r.chance());
        assertThat(r.unseenQueries()).isPositive();
        assertThat(r.precisionAtKUnseen()).as("%s", r).isGreaterThan(3 * r.chance());
    }
}
