package dev.anomalyops.registry.mlflow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.anomalyops.core.registry.AliasState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** MLflow's naming rules, filter quoting, URL encoding and the alias journal's entries. */
class MlflowTextAndJournalTest {
    private static final Instant T = Instant.parse("2026-11-29T00:00:00Z");

    @Test
    void checksNamesTheWayMlflowDoes() {
        assertThat(MlflowText.keyProblem("team")).isEmpty();
        assertThat(MlflowText.keyProblem("a/b c:d-e.f_g")).isEmpty();
        assertThat(MlflowText.keyProblem("größe")).isEmpty();
        assertThat(MlflowText.keyProblem("a=b")).isPresent();
        assertThat(MlflowText.keyProblem("/abs")).isPresent();
        assertThat(MlflowText.keyProblem("a//b")).isPresent();
        assertThat(MlflowText.keyProblem("a/../b")).isPresent();
        assertThat(MlflowText.keyProblem("")).isPresent();
        assertThat(MlflowText.keyProblem("k".repeat(251))).isPresent();
        assertThat(MlflowText.sanitizeKey("eta (lr)/max")).isEqualTo("eta _lr__max");
        assertThat(MlflowText.sanitizeKey("..")).isEqualTo("_..");
        assertThat(MlflowText.keyProblem(MlflowText.sanitizeKey("x".repeat(300) + "="))).isEmpty();
        assertThat(MlflowText.truncateParam("v".repeat(7000))).hasSize(500).endsWith("...");
        assertThat(MlflowText.aliasProblem("latest")).isPresent();
        assertThat(MlflowText.aliasProblem("v12")).isPresent();
        assertThat(MlflowText.aliasProblem("v1beta")).isEmpty();
        assertThat(MlflowText.stageFor("production")).hasValue("Production");
        assertThat(MlflowText.stageFor("champion")).isEmpty();
    }

    @Test
    void quotesFilterConstantsOrGivesUp() {
        assertThat(MlflowText.tagEquals("run", "a")).hasValue("tags.`run` = 'a'");
        assertThat(MlflowText.tagEquals("run", "it's")).hasValue("tags.`run` = \"it's\"");
        assertThat(MlflowText.tagEquals("run", "it's \"x\"")).isEmpty();
        assertThat(MlflowText.tagEquals("odd`key", "a")).isEmpty();
    }

    @Test
    void encodesPathSegmentsAndQueryStrings() {
        assertThat(MlflowHttp.encodePath("1/abc/artifacts/model/my file+1.json"))
                .isEqualTo("1/abc/artifacts/model/my%20file%2B1.json");
        assertThat(MlflowHttp.queryString(Map.of("stages", List.of("Staging", "Production"))))
                .isEqualTo("?stages=Staging&stages=Production");
        assertThat(MlflowHttp.queryString(Map.of("filter", List.of("tags.`k` = 'v w'"))))
                .isEqualTo("?filter=tags.%60k%60+%3D+%27v+w%27");
    }

    @Test
    void journalEntriesRoundTripAndTheNewestReadableOneIsTheHead() throws Exception {
        ArrayNode params = MlflowHttp.mapper().createArrayNode();
        params.addObject().put("key", "seed").put("value", "7");
        params.addObject().put("key", AliasJournal.key("champion", 1))
                .put("value", AliasJournal.encode(new AliasState(1, List.of(), T), T, "w1"));
        params.addObject().put("key", AliasJournal.key("champion", 2))
                .put("value", AliasJournal.encode(new AliasState(3, List.of(1), T), T, "w2"));
        params.addObject().put("key", AliasJournal.key("champion", 3)).put("value", "edited by hand");
        params.addObject().put("key", AliasJournal.key("staging", 1))
                .put("value", AliasJournal.encode(null, T, "w3"));

        Map<String, AliasJournal.Head> heads = AliasJournal.read(params, "test");
        assertThat(heads).containsOnlyKeys("champion", "staging");
        AliasJournal.Head champion = heads.get("champion");
        assertThat(champion.highestSeq()).isEqualTo(3);
        assertThat(champion.state()).isEqualTo(new AliasState(3, List.of(1), T));
        assertThat(champion.latest().writer()).isEqualTo("w2");
        assertThat(heads.get("staging").state()).isNull();
        assertThat(heads.get("staging").latest().writer()).isEqualTo("w3");

        assertThat(AliasJournal.find(params, "champion", 1)).hasValueSatisfying(entry -> assertThat(entry)
                .hasValueSatisfying(e -> assertThat(e.sameClaim(new AliasJournal.Entry(1, null, "w1"))).isTrue()));
        assertThat(AliasJournal.find(params, "champion", 3)).hasValue(Optional.empty());
        assertThat(AliasJournal.find(params, "champion", 4)).isEmpty();
        assertThat(AliasJournal.key("champion", 12)).isEqualTo("anomalyops.alias.champion.0000000012");
        JsonNode value = MlflowHttp.mapper().readTree(AliasJournal.encode(new AliasState(3, List.of(1), T), T, "w"));
        assertThat(value.toString()).hasSizeLessThan(120);
        List<Integer> history = java.util.stream.IntStream.range(0, 50).map(i -> 123_456_789 - i).boxed().toList();
        String longest = AliasJournal.encode(new AliasState(123_456_790, history, T), T, "0123456789abcdef");
        assertThat(longest).hasSizeLessThanOrEqualTo(500).contains("[123456789,123456788,");
        ArrayNode one = MlflowHttp.mapper().createArrayNode();
        one.addObject().put("key", AliasJournal.key("champion", 1)).put("value", longest);
        AliasState kept = AliasJournal.read(one, "test").get("champion").state();
        assertThat(kept.history()).hasSizeBetween(30, 49).isEqualTo(history.subList(0, kept.history().size()));
    }
}
