package dev.anomalyops.rag.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing answers that followed the schema, answers in headed text, and answers that are neither. */
class AnswerParserTest {
    @Test
    void readsSchemaJsonAlsoInsideFencesOrProse() {
        String json = "{\"root_cause_analysis\":\"A\",\"impact_assessment\":\"B\",\"recommended_actions\":\"C\",\"prevention_steps\":\"D\"}";
        assertThat(AnswerParser.parse(json)).containsExactly("A", "B", "C", "D");
        assertThat(AnswerParser.parse("Here you go:\n```json\n" + json + "\n```\nHope it helps.")).containsExactly("A", "B", "C", "D");
        assertThat(AnswerParser.parse("Sure! " + json)).containsExactly("A", "B", "C", "D");
    }

    @Test
    void acceptsLooseKeysAndListValues() {
        String json = "{\"rootCause\":\"A\",\"Impact\":\"B\",\"recommendedActions\":[\"one\",\"two\"],\"prevention\":\"D\"}";
        assertThat(AnswerParser.parse(json)).containsExactly("A", "B", "- one\n- two", "D");
    }

    @Test
    void readsHeadedTextInCommonStyles() {
        String markdown = "## Root cause analysis\nThe pool was exhausted.\n\n## Impact assessment\nPayments failed.\n"
                + "## Recommended actions\n- Kill the query\n- Watch the pool\n## Prevention steps\nMove reports.";
        assertThat(AnswerParser.parse(markdown)).containsExactly("The pool was exhausted.", "Payments failed.",
                "- Kill the query\n- Watch the pool", "Move reports.");
        String bold = "**Root Cause:** pool exhausted\n**Impact:** payments\n**Recommended Actions:** kill it\n**Prevention Steps:** replica";
        assertThat(AnswerParser.parse(bold)).containsExactly("pool exhausted", "payments", "kill it", "replica");
        String numbered = "1. Root cause analysis\nslow query\n2. Impact assessment\nerrors\n3. Recommended actions\nkill\n4. Prevention steps\nreplica";
        assertThat(AnswerParser.parse(numbered)).containsExactly("slow query", "errors", "kill", "replica");
    }

    @Test
    void rejectsAnswersWithoutAllFourSections() {
        assertThatThrownBy(() -> AnswerParser.parse("{\"root_cause_analysis\":\"A\",\"impact_assessment\":\"\"}"))
                .isInstanceOf(MalformedAnswerException.class)
                .hasMessageContaining(List.of("impact_assessment", "recommended_actions", "prevention_steps").toString());
        assertThatThrownBy(() -> AnswerParser.parse("I am not sure what happened here."))
                .isInstanceOf(MalformedAnswerException.class).hasMessageContaining("lacks the section(s)");
        assertThatThrownBy(() -> AnswerParser.parse("{\"root_cause_analysis\": \"cut off")).isInstanceOf(MalformedAnswerException.class);
        assertThatThrownBy(() -> AnswerParser.parse("  ")).isInstanceOf(MalformedAnswerException.class)
                .hasMessageContaining("empty");
    }
}
