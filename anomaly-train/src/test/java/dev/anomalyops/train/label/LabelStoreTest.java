package dev.anomalyops.train.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.StorageException;
import dev.anomalyops.train.internal.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path temp;

    private static Label pseudo(String id, int value, double confidence) {
        return new Label(id, value, LabelSource.PSEUDO, "isolation-forest@abc", T0, confidence, "");
    }

    private static Label human(String id, int value, String who, int minute) {
        return Label.human(id, value, who, T0.plusSeconds(60L * minute));
    }

    @Test
    void keepsEveryLabelAndResolvesHumanOverPseudoAndLatestHuman() {
        Path file = temp.resolve("labels.jsonl");
        try (LabelStore store = LabelStore.open(file, CLOCK)) {
            store.append(List.of(pseudo("a", 1, 0.9), pseudo("b", 0, 0.7), pseudo("c", 1, 0.6)), "detector run");
            ImportResult first = store.append(List.of(human("a", 0, "alice", 1), human("c", 1, "alice", 1)), "r1.csv");
            assertThat(first.added()).isEqualTo(2);
            assertThat(first.conflicts()).isEmpty();
            ImportResult second = store.append(List.of(human("a", 1, "bob", 2)), "r2.csv");
            assertThat(second.conflicts()).singleElement().satisfies(conflict -> {
                assertThat(conflict.id()).isEqualTo("a");
                assertThat(conflict.labels()).extracting(Label::author).containsExactly("alice", "bob");
                assertThat(conflict.chosen().author()).isEqualTo("bob");
            });
        }
        LabelStore reopened = LabelStore.open(file, CLOCK);
        assertThat(reopened.labels()).hasSize(6);
        assertThat(reopened.transactions()).isEqualTo(3);
        assertThat(reopened.effective().get("a")).satisfies(l -> {
            assertThat(l.value()).isEqualTo(1);
            assertThat(l.author()).isEqualTo("bob");
            assertThat(l.source()).isEqualTo(LabelSource.HUMAN);
        });
        assertThat(reopened.effective().get("b").source()).isEqualTo(LabelSource.PSEUDO);
        assertThat(reopened.effective().get("b").confidence()).isEqualTo(0.7);
        assertThat(reopened.conflicts()).hasSize(1);
        assertThat(reopened.labels().get(3).at()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void reImportingTheSameLabelsAddsNothing() throws Exception {
        Path file = temp.resolve("labels.jsonl");
        LabelStore store = LabelStore.open(file, CLOCK);
        List<Label> reviewed = List.of(human("x", 1, "alice", 0), human("y", 0, "alice", 0));
        assertThat(store.append(reviewed, "review.csv").added()).isEqualTo(2);
        byte[] before = Files.readAllBytes(file);
        // Imported again later: same statements, new timestamps.
        List<Label> again = List.of(human("x", 1, "alice", 30), human("y", 0, "alice", 30));
        ImportResult result = LabelStore.open(file, CLOCK).append(again, "review.csv");
        assertThat(result.added()).isZero();
        assertThat(result.duplicates()).isEqualTo(2);
        assertThat(result.transaction()).isEmpty();
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void anAppendThatFailsHalfwayLeavesTheStoreAsItWasAndIsRetriedCleanly() throws Exception {
        Path file = temp.resolve("labels.jsonl");
        LabelStore.open(file, CLOCK).append(List.of(human("keep", 1, "alice", 0)), "first");
        long committed = Files.size(file);

        List<Label> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(human("row-" + i, i % 2, "bob", 5));
        }
        // The disk fills up halfway through the write: half the bytes land, then the write fails.
        LabelStore.Appender failing = (channel, bytes) -> {
            ByteBuffer half = bytes.duplicate();
            half.limit(bytes.position() + bytes.remaining() / 2);
            DurableFiles.writeFully(channel, half);
            channel.force(true);
            throw new IOException("No space left on device");
        };
        assertThatThrownBy(() -> LabelStore.open(file, CLOCK, failing).append(batch, "review.csv"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("No space left on device").hasMessageContaining("the store is unchanged");
        assertThat(Files.size(file)).as("the partial append is cut off").isEqualTo(committed);

        LabelStore reader = LabelStore.open(file, CLOCK);
        assertThat(reader.labels()).extracting(Label::id).containsExactly("keep");

        LabelStore retry = LabelStore.open(file, CLOCK);
        ImportResult result = retry.append(batch, "review.csv");
        assertThat(result.added()).isEqualTo(50);
        assertThat(retry.discardedBytes()).isZero();
        assertThat(LabelStore.open(file, CLOCK).labels()).hasSize(51);
        assertThat(LabelStore.open(file, CLOCK).append(batch, "review.csv").added()).isZero();
        assertThat(reader.labels()).as("an older reader catches up").hasSize(51);
    }

    /** The whole transaction, commit line included, is written but fsync fails: the labels must not appear later. */
    @Test
    void anAppendWhoseFsyncFailsLeavesNoLabelsBehind() throws Exception {
        Path file = temp.resolve("labels.jsonl");
        LabelStore.open(file, CLOCK).append(List.of(human("keep", 1, "alice", 0)), "first");
        long committed = Files.size(file);
        LabelStore.Appender fsyncFails = (channel, bytes) -> {
            DurableFiles.writeFully(channel, bytes);
            throw new IOException("Input/output error (fsync)");
        };
        assertThatThrownBy(() -> LabelStore.open(file, CLOCK, fsyncFails)
                .append(List.of(human("lost", 0, "bob", 5)), "review.csv"))
                .isInstanceOf(StorageException.class).hasMessageContaining("the store is unchanged");
        assertThat(Files.size(file)).isEqualTo(committed);
        assertThat(LabelStore.open(file, CLOCK).labels()).extracting(Label::id).containsExactly("keep");
        assertThat(LabelStore.open(file, CLOCK).append(List.of(human("lost", 0, "bob", 5)), "review.csv").added())
                .as("the retry stores it").isEqualTo(1);
    }

    @Test
    void aTornLastLineIsIgnoredByReaders() throws Exception {
        Path file = temp.resolve("labels.jsonl");
        LabelStore.open(file, CLOCK).append(List.of(human("a", 1, "alice", 0)), "first");
        Files.writeString(file, "{\"type\":\"label\",\"txn\":\"2\",\"id\":\"b\",\"lab",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        assertThat(LabelStore.open(file, CLOCK).labels()).extracting(Label::id).containsExactly("a");
    }

    @Test
    void corruptionOfCommittedLabelsIsReported() throws Exception {
        Path file = temp.resolve("labels.jsonl");
        LabelStore store = LabelStore.open(file, CLOCK);
        store.append(List.of(human("a", 1, "alice", 0), human("b", 0, "alice", 0)), "first");
        store.append(List.of(human("c", 1, "alice", 0)), "second");
        String text = Files.readString(file);
        Files.writeString(file, text.replaceFirst("\"id\":\"b\",\"label\":0", "\"id\":\"b\",\"label\":1"));
        assertThatThrownBy(() -> LabelStore.open(file, CLOCK))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("is corrupted at byte").hasMessageContaining("SHA-256");
        Files.writeString(file, text.replaceFirst("\\{\"type\":\"label\"", "{garbage"));
        assertThatThrownBy(() -> LabelStore.open(file, CLOCK)).isInstanceOf(StorageException.class)
                .hasMessageContaining("unreadable line precedes committed data");
    }

    @Test
    void concurrentWritersAreSerialised() throws Exception {
        Path file = temp.resolve("labels.jsonl");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    LabelStore store = LabelStore.open(file, CLOCK);
                    for (int i = 0; i < 10; i++) {
                        store.append(List.of(human("w" + writer + "-" + i, 1, "writer" + writer, i)), "w" + writer);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        LabelStore store = LabelStore.open(file, CLOCK);
        assertThat(store.labels()).hasSize(40);
        assertThat(store.transactions()).isEqualTo(40);
    }
}
