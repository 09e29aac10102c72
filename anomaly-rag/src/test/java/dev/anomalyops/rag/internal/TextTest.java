package dev.anomalyops.rag.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** Sentence splitting, numbers, entities and masking used by grounding checks and signatures. */
class TextTest {
    @Test
    void splitsSentencesButNotDecimalsOrNames() {
        assertThat(Text.sentences("The score is 0.97. Pool dfs.DataNode failed!\n- Restart it\n## Heading\n1. Next step."))
                .containsExactly("The score is 0.97.", "Pool dfs.DataNode failed!", "Restart it", "Heading", "Next step.");
    }

    @Test
    void findsNumbersAndIdentifiers() {
        assertThat(Text.numbers("1. Restart 3 pods at 1,024 MB and 0.50 load on 2025-01-03 blk_123")).containsExactly("3", "1024", "0.5");
        assertThat(Text.entities("Host db-7 at 10.0.0.12:5432 threw NullPointerException in dfs.DataNode on 2025-01-03"))
                .contains("db-7", "10.0.0.12:5432", "nullpointerexception", "dfs.datanode", "2025-01-03")
                .doesNotContain("host", "threw");
    }

    @Test
    void backsRoundedNumbersAndPercentages() {
        Set<String> evidence = Set.of("0.9734", "50", "1.4234");
        assertThat(Text.numberBacked("0.97", evidence)).isTrue();
        assertThat(Text.numberBacked("97", evidence)).isTrue();
        assertThat(Text.numberBacked("1.42", evidence)).isTrue();
        assertThat(Text.numberBacked("0.95", evidence)).isFalse();
        assertThat(Text.numberBacked("51", evidence)).isFalse();
    }

    @Test
    void masksVariablePartsForSignatures() {
        assertThat(Text.mask("Timeout after 30000 ms to 10.0.0.12:5432 for id 3f2a9c1e-1b2c-4d5e-8f90-123456789abc"))
                .isEqualTo(Text.mask("Timeout after 15 ms to 10.0.0.13:5432 for id 00000000-1b2c-4d5e-8f90-123456789abc"));
        assertThat(Text.contentWords("The connections were exhausted")).containsExactly("connection", "exhaust");
        assertThat(Text.contentWords("caused causes cause")).containsExactly("caus");
    }

    @Property(tries = 200)
    void aNumberIsAlwaysBackedByItselfWrittenWithFewerDecimals(@ForAll @DoubleRange(min = 0, max = 1e6) double value) {
        String full = Text.normalizeNumber(java.math.BigDecimal.valueOf(value).toPlainString());
        String rounded = Text.normalizeNumber(String.format(java.util.Locale.ROOT, "%.2f", value));
        assertThat(Text.numberBacked(rounded, Set.of(full))).isTrue();
    }
}
