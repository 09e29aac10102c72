package dev.anomalyops.features.logs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParsingAccuracyTest {
    @Test
    void aMessageCountsOnlyWhenItsPredictedGroupIsExactlyItsTrueGroup() {
        List<String> truth = List.of("A", "A", "B", "B", "C");
        // A is found exactly; B is split; C is merged with nothing but alone: correct.
        assertThat(ParsingAccuracy.groupingAccuracy(truth, List.of(1, 1, 2, 3, 4))).isEqualTo(3 / 5.0);
        // A and B merged: both wrong.
        assertThat(ParsingAccuracy.groupingAccuracy(truth, List.of(1, 1, 1, 1, 4))).isEqualTo(1 / 5.0);
        assertThat(ParsingAccuracy.groupingAccuracy(truth, List.of(7, 7, 8, 8, 9))).isEqualTo(1.0);
    }

    @Test
    void parsingAccuracyComparesTemplateTextsExactly() {
        assertThat(ParsingAccuracy.parsingAccuracy(List.of("a <*>", "b", "c"), java.util.Arrays.asList("a <*>", "b ", null)))
                .isEqualTo(1 / 3.0);
    }

    @Test
    void sizesMustAgree() {
        assertThatThrownBy(() -> ParsingAccuracy.groupingAccuracy(List.of(1), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 messages");
        assertThat(ParsingAccuracy.groupingAccuracy(List.of(), List.of())).isEqualTo(1.0);
    }
}
