package dev.anomalyops.features.logs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.ModelLoadException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateMinerTest {
    private final TemplateMiner miner = TemplateMiner.builder().build();

    @Test
    void messagesThatDifferOnlyInMaskedValuesShareATemplate() {
        int first = miner.learn("Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010");
        int second = miner.learn("Receiving block blk_7503483334202473044 src: /10.251.215.16:55695 dest: /10.251.215.16:50010");
        int other = miner.learn("PacketResponder 1 for block blk_38865049064139660 terminating");
        assertThat(first).isEqualTo(1).isEqualTo(second);
        assertThat(other).isEqualTo(2);
        assertThat(miner.template(first).orElseThrow().text()).isEqualTo("Receiving block <*> src: /<*>:<*> dest: /<*>:<*>");
        assertThat(miner.template(first).orElseThrow().count()).isEqualTo(2);
        assertThat(miner.size()).isEqualTo(2);
    }

    @Test
    void aWordBecomesAVariableOnlyAfterEnoughDistinctValues() {
        int root = miner.learn("Failed password for root from 1.2.3.4 port 22 ssh2");
        int admin = miner.learn("Failed password for admin from 1.2.3.4 port 22 ssh2");
        assertThat(admin).as("two values could be an enumeration").isNotEqualTo(root);
        int test = miner.learn("Failed password for test from 1.2.3.4 port 22 ssh2");
        assertThat(test).as("the third distinct value makes the position variable").isEqualTo(root);
        assertThat(miner.templateId(admin)).isEqualTo(root);
        assertThat(miner.learn("Failed password for oracle from 5.6.7.8 port 22 ssh2")).isEqualTo(root);
        Template template = miner.template(root).orElseThrow();
        assertThat(template.text()).isEqualTo("Failed password for <*> from <*> port <*> ssh2");
        assertThat(template.mergedIds()).containsExactly(admin, 3);
        assertThat(template.count()).isEqualTo(4);
    }

    @Test
    void aDominantValueNeedsMoreEvidenceBeforeItIsGeneralised() {
        for (int i = 0; i < 50; i++) {
            miner.learn("session closed for user=root");
        }
        int guest = miner.learn("session closed for user=guest");
        int test = miner.learn("session closed for user=test");
        assertThat(miner.templateId(guest)).isNotEqualTo(miner.templateId(test));
        miner.learn("session closed for user=news");
        int fifth = miner.learn("session closed for user=cyrus");
        assertThat(miner.size()).isEqualTo(1);
        assertThat(miner.template(fifth).orElseThrow().text()).isEqualTo("session closed for user=<*>");
    }

    @Test
    void enumerationsWithFewValuesStayApart() {
        int bytes = miner.learn("Block rdd_1 stored as bytes in memory (estimated size 5.2 KB, free 317.1 KB)");
        int values = miner.learn("Block broadcast_3 stored as values in memory (estimated size 840.0 B, free 317.1 KB)");
        assertThat(bytes).isNotEqualTo(values);
        assertThat(miner.learn("Block rdd_2 stored as bytes in memory (estimated size 6.0 KB, free 300.0 KB)")).isEqualTo(bytes);
    }

    @Test
    void aTokenThatAlreadyLooksVariableGeneralisesAtTheSecondValue() {
        int first = miner.learn("Node card VPD check: U11 node in processor card slot J16 do not match");
        int second = miner.learn("Node card VPD check: U01 node in processor card slot J16 do not match");
        assertThat(second).isEqualTo(first);
    }

    @Test
    void listsOfVariableLengthShareOneTemplate() {
        int two = miner.learn("BLOCK* ask 10.250.18.114:50010 to delete blk_1 blk_2");
        int five = miner.learn("BLOCK* ask 10.250.18.114:50010 to delete blk_1 blk_2 blk_3 blk_4 blk_5");
        assertThat(five).isEqualTo(two);
        assertThat(miner.match("BLOCK* ask 10.0.0.1:50010 to delete blk_9 blk_8 blk_7")).as("a length not seen yet")
                .isEqualTo(two);
        assertThat(miner.freeze().match("BLOCK* ask 10.0.0.1:50010 to delete blk_9 blk_8 blk_7 blk_6")).isEqualTo(two);
    }

    @Test
    void matchLearnsNothingAndSaysWhenNoTemplateFits() {
        int id = miner.learn("Verification succeeded for blk_42");
        assertThat(miner.match("Verification succeeded for blk_43")).isEqualTo(id);
        assertThat(miner.match("Something never seen before")).isEqualTo(TemplateMiner.UNKNOWN);
        assertThat(miner.size()).isEqualTo(1);
        assertThat(miner.template(id).orElseThrow().count()).isEqualTo(1);
    }

    @Test
    void emptyAndBlankMessagesHaveATemplateToo() {
        int empty = miner.learn("");
        assertThat(miner.learn("   ")).isEqualTo(empty);
        assertThat(miner.template(empty).orElseThrow().text()).isEmpty();
    }

    @Test
    void longMessagesAreComparedUpToTheTokenLimit() {
        TemplateMiner limited = TemplateMiner.builder().maxTokens(4).build();
        int first = limited.learn("a b c d e f g");
        int second = limited.learn("a b c x y");
        assertThat(second).isEqualTo(first);
        assertThat(limited.template(first).orElseThrow().text()).isEqualTo("a b c <*>");
    }

    @Test
    void aFrozenMatcherGivesTheMinersIdsAndIgnoresLaterLearning() {
        List<String> lines = List.of("Got assigned task 1", "Running task 0.0 in stage 1.0 (TID 1)",
                "Finished task 0.0 in stage 1.0 (TID 1). 2087 bytes result sent to driver");
        List<Integer> ids = new ArrayList<>();
        for (String line : lines) {
            ids.add(miner.learn(line));
        }
        TemplateMatcher matcher = miner.freeze();
        miner.learn("A brand new event");
        for (int i = 0; i < lines.size(); i++) {
            assertThat(matcher.match(lines.get(i))).isEqualTo(ids.get(i));
        }
        assertThat(matcher.match("A brand new event")).isEqualTo(TemplateMiner.UNKNOWN);
        assertThat(matcher.templates()).hasSize(3);
        assertThat(matcher.template(ids.get(0))).isPresent();
    }

    @Test
    void savedStateLoadsWithTheSameIdsAndKeepsLearningTheSameWay(@TempDir Path dir) {
        List<String> first = List.of("Invalid user webmaster from 173.234.31.186", "Invalid user test from 1.2.3.4",
                "Connection closed by 1.2.3.4 [preauth]");
        List<String> second = List.of("Invalid user oracle from 5.6.7.8", "Invalid user pi from 5.6.7.9",
                "Connection closed by 5.6.7.8 [preauth]");
        TemplateMiner straight = TemplateMiner.builder().build();
        for (String line : first) {
            straight.learn(line);
            miner.learn(line);
        }
        Path file = dir.resolve("state/templates.json");
        miner.save(file);
        TemplateMiner loaded = TemplateMiner.load(file);
        assertThat(loaded.templates()).isEqualTo(miner.templates());
        for (String line : second) {
            assertThat(loaded.learn(line)).isEqualTo(straight.learn(line));
        }
        assertThat(loaded.templates()).isEqualTo(straight.templates());
        assertThat(loaded.minDistinctValues()).isEqualTo(straight.minDistinctValues());
    }

    @Test
    void configurationAndMaskingRulesSurviveSaving() throws Exception {
        TemplateMiner custom = TemplateMiner.builder().similarityThreshold(0.7).depth(5).maxChildren(10)
                .minDistinctValues(4).minDistinctValuesDominated(6).dominance(0.9).maxTokens(64).maxEvidence(100)
                .masking(Masking.builder().dates(false).rule("core\\.\\d+").build()).build();
        custom.learn("generating core.123");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        custom.save(out);
        TemplateMiner loaded = TemplateMiner.load(new ByteArrayInputStream(out.toByteArray()));
        assertThat(loaded.similarityThreshold()).isEqualTo(0.7);
        assertThat(loaded.depth()).isEqualTo(5);
        assertThat(loaded.maxChildren()).isEqualTo(10);
        assertThat(loaded.minDistinctValuesDominated()).isEqualTo(6);
        assertThat(loaded.dominance()).isEqualTo(0.9);
        assertThat(loaded.maxTokens()).isEqualTo(64);
        assertThat(loaded.maxEvidence()).isEqualTo(100);
        assertThat(loaded.masking()).isEqualTo(custom.masking());
        assertThat(loaded.match("generating core.456")).isEqualTo(1);
    }

    @Test
    void unreadableStatesFailWithModelLoadException(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> TemplateMiner.load(dir.resolve("missing.json")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> load("{not json"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> load("{\"format\":\"other\",\"version\":1}"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("\"anomalyops.template-miner\"");
        assertThatThrownBy(() -> load("{\"format\":\"anomalyops.template-miner\",\"version\":99}"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("version 99");

        miner.learn("a 1");
        miner.learn("b 2");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        miner.save(out);
        String good = out.toString(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> load(good.replaceFirst("\"id\" : 2", "\"id\" : 5")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("ids must be 1, 2, 3");
        assertThatThrownBy(() -> load(good.replace("\"depth\" : 4", "\"depth\" : 1")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("depth must be >= 3");
        Path file = dir.resolve("truncated.json");
        Files.writeString(file, good.substring(0, good.length() / 2));
        assertThatThrownBy(() -> TemplateMiner.load(file)).isInstanceOf(ModelLoadException.class);
    }

    private static TemplateMiner load(String json) {
        return TemplateMiner.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theBuilderReportsEveryInvalidSettingAtOnce() {
        assertThatThrownBy(() -> TemplateMiner.builder().similarityThreshold(0).depth(2).maxChildren(1)
                .minDistinctValues(1).minDistinctValuesDominated(0).dominance(1.5).maxTokens(1).maxEvidence(0).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(8));
        assertThatThrownBy(() -> Masking.builder().rule("(").rule("x*").build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(2));
    }

    @Test
    void unknownIdsAreReported() {
        assertThat(miner.template(1)).isEmpty();
        assertThatThrownBy(() -> miner.templateId(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Template id 1 is unknown");
    }

    @Test
    void generalisedTokensKeepTheirConstantPrefixAndSuffix() {
        assertThat(TemplateMiner.generaliseToken("user=root", "user=ftp")).containsExactly("user=<*>", "root", "ftp");
        assertThat(TemplateMiner.generaliseToken("()", "(host8.topspot.net)")).containsExactly("(<*>)", "", "host8.topspot.net");
        assertThat(TemplateMiner.generaliseToken("'/udev/vcs2'", "'/udev/vcsa2'")).containsExactly("'/udev/<*>'", "vcs2", "vcsa2");
        assertThat(TemplateMiner.generaliseToken("rhost=<*>", "rhost=<*>.example.org"))
                .containsExactly("rhost=<*>", "", ".example.org");
        assertThat(TemplateMiner.generaliseToken("<*>", "pwd")).containsExactly("<*>", "<*>", "pwd");
    }
}
