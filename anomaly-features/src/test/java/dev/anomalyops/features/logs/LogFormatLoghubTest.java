package dev.anomalyops.features.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loghub's format strings, used as written, split every line of the eight development samples exactly as the
 * reference parser did: the header fields and the message equal the columns of the structured ground truth.
 */
class LogFormatLoghubTest {
    @Test
    void everyLineSplitsIntoTheAnnotatedFields() throws Exception {
        for (String[] system : LoghubSamples.SYSTEMS) {
            LogFormat format = LogFormat.of(system[1]);
            List<String> lines = Files.readAllLines(LoghubSamples.log(system[0]), StandardCharsets.UTF_8);
            List<List<String>> rows = LoghubSamples.structured(system[0]);
            List<String> header = rows.get(0);
            assertThat(lines).as(system[0]).hasSize(rows.size() - 1);
            for (int i = 0; i < lines.size(); i++) {
                LineOutcome outcome = format.parse(lines.get(i), i + 1);
                assertThat(outcome.parsed()).as(system[0] + " line " + (i + 1)).isTrue();
                LogRecord record = outcome.record();
                List<String> row = rows.get(i + 1);
                for (String field : format.fields()) {
                    String expected = row.get(header.indexOf(field));
                    assertThat(record.fields().get(field).strip()).as(system[0] + " line " + (i + 1) + " " + field)
                            .isEqualTo(expected.strip());
                }
            }
        }
    }
}
