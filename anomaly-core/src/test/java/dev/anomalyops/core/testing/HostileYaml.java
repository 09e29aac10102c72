package dev.anomalyops.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * YAML documents for fuzzing configuration loaders: the loader's own valid examples with byte-level mutations,
 * documents built from YAML's syntax with hostile values, and the classic attacks (an alias "billion laughs", deep
 * nesting, a document of several megabytes, class tags that would instantiate objects in a careless loader, merge
 * keys, duplicate keys, invalid UTF-8).
 */
public final class HostileYaml {
    private HostileYaml() {}

    /**
     * @param seeds valid documents for the loader under test
     * @param keys keys the loader knows (used to build documents that get past the first checks)
     * @return documents, as bytes (not all of them valid UTF-8)
     */
    public static Arbitrary<byte[]> documents(List<String> seeds, List<String> keys) {
        List<byte[]> seedBytes = seeds.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        return Arbitraries.frequencyOf(
                Tuple.of(5, Mutations.of(seedBytes, 6)),
                Tuple.of(4, structured(keys).map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.of(attacks()).map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)));
    }

    /** @return the classic attacks, each a whole document */
    public static List<String> attacks() {
        List<String> attacks = new ArrayList<>();
        StringBuilder laughs = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            laughs.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*")
                    .append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*")
                    .append(p).append(",*").append(p).append(",*").append(p).append("]\n");
        }
        attacks.add(laughs.toString());
        attacks.add("name: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");
        attacks.add("name:\n" + "  ".repeat(1) + "a:\n".repeat(1) + nestedMappings(2_000));
        attacks.add("name: x\nmetrics: [" + "cpu,".repeat(400_000) + "cpu]\n");
        attacks.add("name: \"" + "x".repeat(4 << 20) + "\"\n");
        attacks.add("name: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL"
                + " [\"http://127.0.0.1:1/\"]]]]\n");
        attacks.add("!!java.lang.ProcessBuilder [[\"touch\", \"/tmp/anomalyops-pwned\"]]\n");
        attacks.add("name: !!binary aGVsbG8=\nmetrics: !!set {cpu}\n");
        attacks.add("base: &b {name: x}\n<<: *b\nmetrics: [cpu]\n");
        attacks.add("name: a\nname: b\nname: c\n");
        attacks.add("? [a, b]\n: c\n");
        attacks.add("name: x\n---\nname: y\n");
        attacks.add("%YAML 9.9\n---\nname: x\n");
        attacks.add("name: *undefined\n");
        attacks.add("\uFEFFname: x\n");
        attacks.add("name: 1e999999999\nlags: [99999999999999999999999]\n");
        attacks.add("\t\tname: x\n");
        attacks.add("");
        attacks.add("~\n");
        attacks.add("- a\n- b\n");
        return attacks;
    }

    private static String nestedMappings(int depth) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            text.append(" ".repeat(Math.min(i + 2, 400))).append("k").append(i).append(":\n");
        }
        return text.toString();
    }

    private static Arbitrary<String> structured(List<String> keys) {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(keys), Arbitraries.strings().alpha().ofMaxLength(8));
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("", "~", "null", "true", "no", "0", "-1", "1.5", "1e400", "0x1F", ".nan", "-.inf",
                        "5m", "-5m", "0s", "999999999999d", "PT1H", "1000000000", "\"\"", "'quoted'", "\"\\u0000\"",
                        "/dev/null", "../../etc/passwd", "\"a\\nb\"", "[]", "{}", "[1, 2]", "{name: x}", "*a", "&a x",
                        "!!str 5", "!!int x", "!!float y", "!!timestamp 2001-12-14", "|\n  block\n", "UTC",
                        "Europe/Nowhere", "+99:00"),
                Arbitraries.strings().ofMaxLength(20).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\""),
                Arbitraries.integers().map(Object::toString));
        Arbitrary<String> entry = net.jqwik.api.Combinators.combine(key, scalar, Arbitraries.integers().between(0, 3))
                .as((k, v, form) -> switch (form) {
                    case 0 -> k + ": [" + v + ", " + v + "]";
                    case 1 -> k + ":\n  - " + v;
                    default -> k + ": " + v;
                });
        return entry.list().ofMaxSize(12).map(lines -> String.join("\n", lines) + "\n");
    }
}
