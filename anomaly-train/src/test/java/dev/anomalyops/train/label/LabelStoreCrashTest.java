package dev.anomalyops.train.label;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.testing.ChildJvm;
import dev.anomalyops.train.internal.DurableFiles;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reviewed file's import dies with its JVM halfway through the write (a real second process halted with
 * {@link Runtime#halt}, so no finally block, shutdown hook or buffer flush runs). The labels committed
 * before survive, none of the interrupted import is visible, importing the file again stores it exactly
 * once, and a third import adds nothing.
 */
class LabelStoreCrashTest {
    @TempDir
    Path temp;

    @Test
    void reviewedLabelsSurviveACrashDuringImportAndReImportIsIdempotent() throws Exception {
        Path store = temp.resolve("labels.jsonl");
        Path reviewed = temp.resolve("review.csv");
        StringBuilder csv = new StringBuilder("id,label,reviewer,note\n");
        for (int i = 0; i < 200; i++) {
            csv.append("row-").append(i).append(',').append(i % 7 == 0 ? "anomaly" : "normal")
                    .append(",alice,\"checked, looks \"\"fine\"\"\"\n");
        }
        Files.writeString(reviewed, csv);
        LabelStore.open(store).append(List.of(Label.human("before", 1, "bob", java.time.Instant.EPOCH)), "earlier");
        long committed = Files.size(store);

        Path log = temp.resolve("child.log");
        Process child = ChildJvm.start(LabelStoreCrashTest.class, log, store.toString(), reviewed.toString());
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(log)).isEqualTo(HALTED);
        assertThat(Files.size(store)).as("the child wrote part of its transaction").isGreaterThan(committed);

        LabelStore after = LabelStore.open(store);
        assertThat(after.labels()).extracting(Label::id).containsExactly("before");

        ReviewFiles.Reviewed labels = ReviewFiles.read(reviewed, "unknown", Clock.systemUTC());
        assertThat(labels.labels()).hasSize(200);
        ImportResult again = after.append(labels.labels(), "review.csv");
        assertThat(again.added()).isEqualTo(200);
        assertThat(after.discardedBytes()).isGreaterThan(0);
        assertThat(LabelStore.open(store).append(ReviewFiles.read(reviewed, "unknown", Clock.systemUTC()).labels(),
                "review.csv").added()).isZero();
        LabelStore finalStore = LabelStore.open(store);
        assertThat(finalStore.labels()).hasSize(201);
        assertThat(finalStore.effective().get("row-7").value()).isEqualTo(1);
        assertThat(finalStore.effective().get("row-8").note()).isEqualTo("checked, looks \"fine\"");
    }

    static final int HALTED = 77;

    /**
     * The child: imports the reviewed file and halts the JVM after writing 60 % of the transaction.
     *
     * @param args the store and the reviewed file
     */
    public static void main(String[] args) {
        LabelStore.Appender crashing = (channel, bytes) -> {
            ByteBuffer part = bytes.duplicate();
            part.limit(bytes.position() + bytes.remaining() * 6 / 10);
            DurableFiles.writeFully(channel, part);
            Runtime.getRuntime().halt(HALTED);
        };
        LabelStore store = LabelStore.open(Path.of(args[0]), Clock.systemUTC(), crashing);
        store.append(ReviewFiles.read(Path.of(args[1]), "unknown", Clock.systemUTC()).labels(), "review.csv");
        System.out.println("not reached");
    }
}
