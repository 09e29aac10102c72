package dev.anomalyops.rag.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.rag.internal.Vectors;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batched embedder against langchain4j's own one-text-at-a-time model, on the same in-jar weights. */
class MiniLmEmbedderTest {
    static MiniLmEmbedder embedder;

    static final List<String> TEXTS = List.of(
            "Connection pool exhausted: 50 of 50 connections in use on payments-db",
            "PacketResponder 1 for block blk_38865049064139660 terminating",
            "Failed password for invalid user admin from 173.234.31.186 port 38926 ssh2",
            "java.lang.OutOfMemoryError: GC overhead limit exceeded",
            "disk",
            "The quick brown fox jumps over the lazy dog while the database replica lags behind the primary by"
                    + " several minutes because a long running analytical query holds locks");

    @BeforeAll
    static void load() {
        embedder = MiniLmEmbedder.builder().batchSize(4).build();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void matchesLangchain4jsModelOnTheSameWeights() {
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
        List<float[]> ours = embedder.embedAll(TEXTS);
        assertThat(ours).hasSize(TEXTS.size());
        for (int i = 0; i < TEXTS.size(); i++) {
            float[] theirs = reference.embed(TextSegment.from(TEXTS.get(i))).content().vector();
            assertThat(ours.get(i)).hasSize(384);
            assertThat(Vectors.cosine(ours.get(i), theirs)).as(TEXTS.get(i)).isGreaterThan(0.9999f);
        }
    }

    @Test
    void batchingDoesNotChangeVectorsAndKeepsOrder() {
        List<float[]> batched = embedder.embedAll(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            float[] single = embedder.embed(TEXTS.get(i));
            assertThat(Vectors.cosine(batched.get(i), single)).isGreaterThan(0.99999f);
            double norm = Math.sqrt(Vectors.cosine(single, single));
            assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void similarMessagesAreCloserThanUnrelatedOnes() {
        List<float[]> v = embedder.embedAll(List.of(
                "Connection pool exhausted on payments database",
                "Database connection pool has no free connections",
                "User logged in successfully from the mobile app"));
        assertThat(Vectors.cosine(v.get(0), v.get(1))).isGreaterThan(Vectors.cosine(v.get(0), v.get(2)) + 0.2f);
    }

    @Test
    void rejectsBlankTextsAndBadSettings() {
        List<String> texts = new ArrayList<>(List.of("ok", " "));
        assertThatThrownBy(() -> embedder.embedAll(texts)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Text 1 of 2 is blank");
        assertThatThrownBy(() -> MiniLmEmbedder.builder().batchSize(0).maxTokens(4).threads(0).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(3));
    }
}
