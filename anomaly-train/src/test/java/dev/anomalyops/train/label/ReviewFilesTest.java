package dev.anomalyops.train.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.train.internal.Csv;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewFilesTest {
    private static final FeatureSchema SCHEMA = FeatureSchema.of("cpu", "mem");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
    private static final String RAW = "2026-11-29 11:59:58 ERROR [db-pool] connection \"primary\" refused, retrying\nat Pool.java:42";

    @TempDir
    Path temp;

    private static List<ReviewItem> items() {
        return List.of(
                new ReviewItem("host-1:1700000000", 0.62, 1, 0.55, ReviewQueue.Reason.NEAR_THRESHOLD,
                        new float[] {0.25f, Float.NaN}, Map.of("raw", RAW)),
                new ReviewItem("host-1:1700000060", 0.97, 1, 1.0, ReviewQueue.Reason.STRATIFIED,
                        new float[] {0.99f, 0.5f}, Map.of("raw", "ok")));
    }

    @Test
    void csvRoundTripsThroughASpreadsheetEdit() throws Exception {
        Path file = temp.resolve("review.csv");
        ReviewFiles.writeCsv(items(), SCHEMA, file);
        Csv csv = new Csv(new StringReader(Files.readString(file)));
        List<String> header = csv.next();
        assertThat(header).containsExactly("id", "score", "suggested_label", "confidence", "reason", "label",
                "reviewer", "note", "context.raw", "feature.cpu", "feature.mem");
        List<String> first = csv.next();
        assertThat(first.get(8)).isEqualTo(RAW);
        assertThat(first.get(10)).isEmpty();
        assertThat(first.get(4)).isEqualTo("near_threshold");

        // A reviewer fills the label, reviewer and note columns and saves.
        StringBuilder edited = new StringBuilder(Csv.record(header)).append('\n');
        List<String> row = new ArrayList<>(first);
        row.set(5, "Anomaly");
        row.set(7, "pool exhausted, see \"INC-12\"");
        edited.append(Csv.record(row)).append('\r').append('\n');
        List<String> second = csv.next();
        edited.append(Csv.record(second)).append('\n');
        Files.writeString(file, edited);

        ReviewFiles.Reviewed reviewed = ReviewFiles.read(file, "alice", CLOCK);
        assertThat(reviewed.rows()).isEqualTo(2);
        assertThat(reviewed.unreviewed()).isEqualTo(1);
        assertThat(reviewed.labels()).singleElement().satisfies(label -> {
            assertThat(label.id()).isEqualTo("host-1:1700000000");
            assertThat(label.value()).isEqualTo(1);
            assertThat(label.author()).isEqualTo("alice");
            assertThat(label.source()).isEqualTo(LabelSource.HUMAN);
            assertThat(label.at()).isEqualTo(CLOCK.instant());
            assertThat(label.note()).isEqualTo("pool exhausted, see \"INC-12\"");
        });
    }

    @Test
    void jsonLinesRoundTrip() throws Exception {
        Path file = temp.resolve("review.jsonl");
        ReviewFiles.writeJsonl(items(), SCHEMA, file);
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode first = mapper.readTree(lines.get(0));
        assertThat(first.get("context").get("raw").asText()).isEqualTo(RAW);
        assertThat(first.get("features").get("mem").isNull()).isTrue();
        assertThat(first.get("label").isNull()).isTrue();
        ObjectNode reviewedFirst = (ObjectNode) first;
        reviewedFirst.put("label", "normal").put("reviewer", "bob").put("reviewed_at", "2026-11-29T11:00:00Z");
        ObjectNode reviewedSecond = (ObjectNode) mapper.readTree(lines.get(1));
        reviewedSecond.put("label", 1);
        Files.writeString(file, reviewedFirst + "\n\n" + reviewedSecond + "\n");

        ReviewFiles.Reviewed reviewed = ReviewFiles.read(file, "alice", CLOCK);
        assertThat(reviewed.labels()).hasSize(2);
        assertThat(reviewed.labels().get(0).value()).isZero();
        assertThat(reviewed.labels().get(0).author()).isEqualTo("bob");
        assertThat(reviewed.labels().get(0).at()).isEqualTo(Instant.parse("2026-11-29T11:00:00Z"));
        assertThat(reviewed.labels().get(1).author()).isEqualTo("alice");
    }

    @Test
    void rejectsUnreadableLabelsNamingTheLine() throws Exception {
        Path file = temp.resolve("bad.csv");
        Files.writeString(file, "id,label\na,1\nb,maybe\n");
        assertThatThrownBy(() -> ReviewFiles.read(file, "alice", CLOCK)).isInstanceOf(InputException.class)
                .hasMessageContaining("line 3").hasMessageContaining("\"maybe\"");
        Files.writeString(file, "id,score\na,1\n");
        assertThatThrownBy(() -> ReviewFiles.read(file, "alice", CLOCK)).isInstanceOf(InputException.class)
                .hasMessageContaining("needs the columns \"id\" and \"label\"");
        Files.writeString(file, "id,label,reviewer\na,1,\n");
        assertThatThrownBy(() -> ReviewFiles.read(file, "", CLOCK)).isInstanceOf(InputException.class)
                .hasMessageContaining("names no reviewer");
    }
}
