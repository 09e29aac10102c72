package dev.anomalyops.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Model bundles, requests and configuration are untrusted: nothing in the project may deserialise arbitrary classes.
 * A cheap guard over every module's main sources: no Java serialisation ({@code ObjectInputStream}, {@code
 * readObject}), no {@code XMLDecoder}, no polymorphic Jackson typing by class name ({@code enableDefaultTyping},
 * {@code activateDefaultTyping}, {@code @JsonTypeInfo(use = CLASS / MINIMAL_CLASS)}), and no SnakeYAML object
 * construction (a bare {@code new Yaml(} builds any tagged class; Jackson's YAML tree reading is used instead).
 */
class NoUnsafeDeserialisationTest {
    private static final Pattern FORBIDDEN = Pattern.compile("ObjectInputStream|\\.readObject\\(|XMLDecoder"
            + "|enableDefaultTyping|activateDefaultTyping|JsonTypeInfo\\.Id\\.(MINIMAL_)?CLASS|use\\s*=\\s*(Id\\.)?(MINIMAL_)?CLASS"
            + "|new\\s+Yaml\\(|SerializationUtils\\.deserialize");

    @Test
    void noMainSourceDeserialisesArbitraryClasses() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("pom.xml")).exists();
        List<String> hits = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path file : paths.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/target/")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN.matcher(lines.get(i)).find()) {
                        hits.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(files).as("main source files scanned").isGreaterThan(100);
        assertThat(hits).isEmpty();
    }
}
