package dev.anomalyops.features.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.AnomalyOpsException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.testing.FuzzBudget;
import dev.anomalyops.core.testing.HostileYaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the FeatureSpec YAML/JSON loader ({@link FeatureSpec#fromYaml}, {@link FeatureSpec#read}) with mutated
 * specs, documents built from the spec's keys with hostile values, and the classic YAML attacks (alias bomb, deep
 * nesting, megabyte documents, class tags). Property: a spec or a {@link ConfigurationException} naming the
 * problem, quickly; a spec that loads survives its own round trip; nothing outside our exception tree escapes and
 * no tag instantiates a class. Tries scale with {@code -Danomalyops.fuzz.scale}.
 */
@AddLifecycleHook(FuzzBudget.class)
class FeatureSpecFuzzTest {
    private static final List<String> SEEDS = List.of("""
            name: ec2
            interval: 5m
            gap: fill
            maxGap: 1h
            duplicates: keep
            zone: Europe/Paris
            raw: true
            metrics: [cpu, {name: network_in, fill: previous, required: false}]
            windows:
              - {size: 15m, stats: [mean, std], metrics: [cpu]}
              - {size: 12, stats: [max], nan: propagate, minPeriods: 2}
            lags: [1, 12]
            diffs: [1]
            pctChanges: [1]
            time: [hour, is_weekend]
            """, """
            name: bench
            metrics: [a, b, c]
            windows:
              - size: 5
                stats: [mean, min, max]
            """);
    private static final List<String> KEYS = List.of("name", "instance", "timestamp", "interval", "maxGap", "gap",
            "duplicates", "zone", "raw", "metrics", "windows", "lags", "diffs", "pctChanges", "time", "size", "stats",
            "fill", "required", "nan");

    @Provide
    Arbitrary<byte[]> specs() {
        return HostileYaml.documents(SEEDS, KEYS);
    }

    @Property(tries = 800)
    void aSpecOrAConfigurationException(@ForAll("specs") byte[] document) {
        String text = new String(document, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try {
            FeatureSpec spec = FeatureSpec.fromYaml(text);
            assertThat(FeatureSpec.fromYaml(spec.toYaml())).isEqualTo(spec);
            assertThat(spec.schema().size()).isPositive();
        } catch (AnomalyOpsException e) {
            assertThat(e).isInstanceOf(ConfigurationException.class);
            assertThat(e.getMessage()).isNotBlank();
        }
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds to load").isLessThan(5_000);
        assertThat(Path.of("/tmp/anomalyops-pwned")).doesNotExist();
    }

    @Property(tries = 100)
    void specFilesOfAnyBytesAreReadOrRefused(@ForAll("specs") byte[] document) throws Exception {
        Path file = Files.createTempFile("spec-fuzz-", ".yaml");
        try {
            Files.write(file, document);
            try {
                FeatureSpec.read(file);
            } catch (AnomalyOpsException e) {
                assertThat(e).isInstanceOf(ConfigurationException.class);
            }
        } finally {
            Files.delete(file);
        }
    }
}
