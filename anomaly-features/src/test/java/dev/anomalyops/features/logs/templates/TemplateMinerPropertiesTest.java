package dev.anomalyops.features.logs.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the miner: any text, very long messages, text decoded from invalid UTF-8 and empty messages are
 * learnt without an exception; ids are stable and consistent between learning, matching, the frozen matcher and
 * a saved and loaded state.
 */
class TemplateMinerPropertiesTest {
    @Property(tries = 150)
    void learningAndMatchingAgreeForAnyMessages(@ForAll("messages") List<String> messages) throws Exception {
        TemplateMiner miner = TemplateMiner.builder().build();
        List<Integer> ids = new ArrayList<>();
        for (String message : messages) {
            int id = miner.learn(message);
            assertThat(id).isBetween(1, miner.maxId());
            assertThat(miner.match(message)).as("matching right after learning").isEqualTo(id);
            ids.add(id);
        }
        TemplateMatcher frozen = miner.freeze();
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        miner.save(saved);
        TemplateMiner loaded = TemplateMiner.load(new ByteArrayInputStream(saved.toByteArray()));
        assertThat(loaded.templates()).isEqualTo(miner.templates());
        for (int i = 0; i < messages.size(); i++) {
            String message = messages.get(i);
            int now = miner.match(message);
            assertThat(now).as("a learnt message always has a template").isNotEqualTo(TemplateMiner.UNKNOWN);
            assertThat(miner.templateId(ids.get(i))).as("old ids map to the current template").isEqualTo(now);
            assertThat(frozen.match(message)).isEqualTo(now);
            assertThat(loaded.match(message)).isEqualTo(now);
        }
        long total = miner.templates().stream().mapToLong(Template::count).sum();
        assertThat(total).isEqualTo(messages.size());
    }

    @Property(tries = 100)
    void learningIsDeterministic(@ForAll("messages") List<String> messages) {
        TemplateMiner first = TemplateMiner.builder().build();
        TemplateMiner second = TemplateMiner.builder().build();
        for (String message : messages) {
            assertThat(second.learn(message)).isEqualTo(first.learn(message));
        }
        assertThat(second.templates()).isEqualTo(first.templates());
    }

    @Property(tries = 200)
    void maskedTokensAreNeverEmptyAndNeverContainWhitespace(@ForAll("text") String text) {
        String[] tokens = new Tokenizer(Masking.defaults()).tokenize(text);
        for (String token : tokens) {
            assertThat(token).isNotEmpty();
            assertThat(token.chars().noneMatch(c -> Tokenizer.isSpace((char) c))).isTrue();
        }
        assertThat(tokens.length).isLessThanOrEqualTo(text.length());
    }

    @Property(tries = 10)
    void veryLongMessagesAreLearntQuickly(@ForAll("longMessages") String message) {
        TemplateMiner miner = TemplateMiner.builder().build();
        long start = System.nanoTime();
        int id = miner.learn(message);
        assertThat(miner.learn(message + " tail")).isPositive();
        assertThat(miner.match(message)).isEqualTo(miner.templateId(id));
        assertThat(System.nanoTime() - start).as("no quadratic blow-up").isLessThan(20_000_000_000L);
    }

    @Example
    void textDecodedFromInvalidUtf8IsLearnt() {
        byte[] bytes = {(byte) 0xC3, (byte) 0x28, ' ', (byte) 0xF0, (byte) 0x28, (byte) 0x8C, (byte) 0xBC, ' ', 'o', 'k',
            ' ', (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        String decoded = new String(bytes, StandardCharsets.UTF_8);
        TemplateMiner miner = TemplateMiner.builder().build();
        int id = miner.learn(decoded);
        assertThat(miner.match(decoded)).isEqualTo(id);
        assertThat(miner.template(id).orElseThrow().text()).contains("ok").contains("\ufffd");
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars(" \t_-./:=,()[]<>*0123456789abcdefxyzKB").ofMaxLength(120));
    }

    @Provide
    Arbitrary<List<String>> messages() {
        Arbitrary<String> word = Arbitraries.of("user", "root", "admin", "guest", "failed", "from", "port", "blk_1",
                "10.0.0.1", "/var/log/x", "0x1f", "Sun", "Jul", "KB", "<*>", "=", "user=", "(x)", "ok", "");
        Arbitrary<String> number = Arbitraries.integers().between(0, 100_000).map(String::valueOf);
        Arbitrary<String> token = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, word), net.jqwik.api.Tuple.of(3, number),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(6)));
        Arbitrary<String> structured = token.list().ofMaxSize(12).map(tokens -> String.join(" ", tokens));
        return Arbitraries.oneOf(structured, Arbitraries.strings().all().ofMaxLength(80)).list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<String> longMessages() {
        return Arbitraries.of("a", "blk_1 ", "x".repeat(2000) + " ", "1 ", "user=root ", "a_b-", "http://h/p ",
                        "ab-cd-ef", "(", "<*>")
                .flatMap(piece -> Arbitraries.integers().between(10_000, 300_000).map(n -> piece.repeat(n / piece.length())));
    }
}
