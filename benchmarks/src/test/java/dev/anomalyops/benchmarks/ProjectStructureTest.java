package dev.anomalyops.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks the build conventions users rely on: the BOM lists exactly the published modules, and every
 * published jar carries an Automatic-Module-Name equal to its root package.
 */
class ProjectStructureTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static List<String> publishedModules() throws Exception {
        List<String> modules = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (m.find()) {
            if (Files.exists(ROOT.resolve(m.group(1)).resolve(".published"))) {
                modules.add(m.group(1));
            }
        }
        return modules;
    }

    @Test
    void theBomListsEveryPublishedModuleAndNoThirdPartyVersion() throws Exception {
        String bom = Files.readString(ROOT.resolve("anomaly-bom/pom.xml"));
        List<String> listed = new ArrayList<>();
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(bom);
        while (m.find()) {
            listed.add(m.group(1));
        }
        listed.remove("anomaly-bom");
        assertThat(listed).containsExactlyInAnyOrderElementsOf(publishedModules());
        assertThat(bom).doesNotContain("<parent>");
        Matcher groups = Pattern.compile("<groupId>([^<]+)</groupId>").matcher(bom);
        while (groups.find()) {
            assertThat(groups.group(1)).isEqualTo("dev.anomalyops");
        }
    }

    @Test
    void everyPublishedJarHasAnAutomaticModuleName() throws Exception {
        for (String module : publishedModules()) {
            Path target = ROOT.resolve(module).resolve("target");
            Path jar;
            try (Stream<Path> files = Files.list(target)) {
                jar = files.filter(p -> p.getFileName().toString().matches(Pattern.quote(module) + "-[0-9].*(?<!-sources|-javadoc|-tests)\\.jar"))
                        .findFirst().orElseThrow(() -> new AssertionError("no jar built for " + module));
            }
            try (JarFile file = new JarFile(jar.toFile())) {
                String name = file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
                assertThat(name).as(module).startsWith("dev.anomalyops.");
                try (InputStream pom = Files.newInputStream(ROOT.resolve(module).resolve("pom.xml"))) {
                    assertThat(new String(pom.readAllBytes())).contains("<automatic.module.name>" + name + "<");
                }
            }
        }
    }
}
