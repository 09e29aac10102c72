package dev.anomalyops.rag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.rag.EmbeddedIncident;
import dev.anomalyops.rag.IncidentSearch;
import dev.anomalyops.rag.IncidentStore;
import dev.anomalyops.rag.IncidentStoreContract;
import dev.anomalyops.rag.UpsertResult;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store: the shared contract (persisted to a file), plus persistence and crash behaviour. */
class EmbeddedIncidentStoreTest extends IncidentStoreContract {
    @TempDir
    Path temp;

    @Override
    protected IncidentStore createStore(int dimension) {
        return EmbeddedIncidentStore.open(temp.resolve("contract.store"), dimension);
    }

    private List<EmbeddedIncident> some(int n, int offset) {
        List<EmbeddedIncident> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new EmbeddedIncident(incident("P-" + (i + offset), "persisted " + (i + offset), "svc",
                    T0.plusSeconds(i + offset)), axis((i + offset) % DIM, 0.1f, i + offset)));
        }
        return out;
    }

    @Test
    void survivesReopeningWithDeletesAndCompaction() throws Exception {
        Path file = temp.resolve("p.store");
        List<EmbeddedIncident> first = some(30, 0);
        try (EmbeddedIncidentStore s = EmbeddedIncidentStore.open(file, DIM)) {
            s.upsert(first);
            s.delete(first.get(3).incident().contentHash());
        }
        try (EmbeddedIncidentStore s = EmbeddedIncidentStore.open(file, DIM)) {
            assertThat(s.count()).isEqualTo(29);
            assertThat(s.get(first.get(3).incident().contentHash())).isEmpty();
            assertThat(s.get(first.get(4).incident().contentHash())).contains(first.get(4).incident());
            assertThat(s.upsert(first)).isEqualTo(new UpsertResult(1, 29));
            long before = Files.size(file);
            s.delete(first.get(5).incident().contentHash());
            s.compact();
            assertThat(Files.size(file)).isLessThan(before);
        }
        try (EmbeddedIncidentStore s = EmbeddedIncidentStore.open(file, DIM)) {
            assertThat(s.count()).isEqualTo(29);
            assertThat(s.search(first.get(7).vector(), IncidentSearch.defaults()).get(0).incident())
                    .isEqualTo(first.get(7).incident());
        }
    }

    @Test
    void cutsOffATornLastRecordAndKeepsTheRest() throws Exception {
        Path file = temp.resolve("torn.store");
        try (EmbeddedIncidentStore s = EmbeddedIncidentStore.open(file, DIM)) {
            s.upsert(some(5, 0));
        }
        long complete = Files.size(file);
        try (EmbeddedIncidentStore s = EmbeddedIncidentStore.open(file, DIM)) {
            s.upsert(some(1, 100));
        }
        // A crash in the middle of the last write: half of its record is on disk.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(complete + (raf.length() - complete) / 2);
        }
        try (EmbeddedIncidentStore s = EmbeddedIncidentStore.open(file, DIM)) {
            assertThat(s.count()).isEqualTo(5);
            assertThat(Files.size(file)).isEqualTo(complete);
            assertThat(s.upsert(some(1, 100))).isEqualTo(new UpsertResult(1, 0));
        }
        try (EmbeddedIncidentStore s = EmbeddedIncidentStore.open(file, DIM)) {
            assertThat(s.count()).isEqualTo(6);
        }
    }

    @Test
    void refusesDamageInTheMiddleAndForeignFiles() throws Exception {
        Path file = temp.resolve("damaged.store");
        try (EmbeddedIncidentStore s = EmbeddedIncidentStore.open(file, DIM)) {
            s.upsert(some(5, 0));
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(40);
            raf.write(raf.read() ^ 0xff);
        }
        assertThatThrownBy(() -> EmbeddedIncidentStore.open(file, DIM)).isInstanceOf(StorageException.class)
                .hasMessageContaining("damaged at byte").hasMessageContaining(file.toString());

        Path foreign = Files.writeString(temp.resolve("foreign.store"), "not a store at all");
        assertThatThrownBy(() -> EmbeddedIncidentStore.open(foreign, DIM)).isInstanceOf(StorageException.class)
                .hasMessageContaining("not an incident store");

        Path other = temp.resolve("other.store");
        EmbeddedIncidentStore.open(other, DIM).close();
        assertThatThrownBy(() -> EmbeddedIncidentStore.open(other, 384)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("8 dimensions but 384 were expected");
    }

    @Test
    void saysWhenAnAnnIndexIsNeeded() {
        try (EmbeddedIncidentStore s = EmbeddedIncidentStore.builder(DIM).annWarningThreshold(10).build()) {
            s.upsert(some(10, 0));
            assertThat(s.annIndexRecommended()).isFalse();
            s.upsert(some(1, 10));
            assertThat(s.annIndexRecommended()).isTrue();
        }
        assertThatThrownBy(() -> EmbeddedIncidentStore.builder(0).annWarningThreshold(0).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(2));
    }
}
