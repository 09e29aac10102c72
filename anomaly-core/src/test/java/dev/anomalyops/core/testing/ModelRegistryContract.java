package dev.anomalyops.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.AliasChange;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.ModelRef;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ModelRegistry} implementation shares. An implementation's test extends this
 * class and supplies a fresh, empty registry; every guarantee documented on {@link ModelRegistry} is
 * checked here once for all of them (file system, S3, MLflow).
 */
public abstract class ModelRegistryContract {
    /** Scratch space for bundles. */
    @TempDir
    protected Path temp;

    /** The registry under test, fresh for each test. */
    protected ModelRegistry registry;

    /**
     * @return a new, empty registry
     * @throws Exception when it cannot be created
     */
    protected abstract ModelRegistry createRegistry() throws Exception;

    @BeforeEach
    void createFreshRegistry() throws Exception {
        registry = createRegistry();
    }

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    /**
     * @param seed varies the bundle's content
     * @return a new bundle named {@code cpu}
     */
    protected ModelBundle bundle(long seed) {
        return TestBundles.write(temp.resolve("bundle-" + seed + "-" + System.nanoTime()), "cpu", seed);
    }

    @Test
    @DisplayName("versions are numbered from 1 without gaps")
    void numbersVersionsFromOne() {
        ModelVersion first = registry.register("cpu", bundle(1), Map.of());
        ModelVersion second = registry.register("cpu", bundle(2), Map.of());
        ModelVersion other = registry.register("mem", bundle(3), Map.of());
        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(other.version()).isEqualTo(1);
        assertThat(registry.models()).containsExactly("cpu", "mem");
        assertThat(registry.versions("cpu")).extracting(ModelVersion::version).containsExactly(1, 2);
    }

    @Test
    @DisplayName("an opened version holds exactly the registered bundle")
    void roundTripsBundleContent() throws Exception {
        ModelBundle original = bundle(7);
        ModelVersion version = registry.register("cpu", original, Map.of("run", "r7"));
        ModelBundle opened = registry.open(version);
        assertThat(opened.checksum()).isEqualTo(original.checksum()).isEqualTo(version.bundleChecksum());
        for (String file : original.manifest().files().keySet()) {
            assertThat(Files.readAllBytes(opened.file(file))).isEqualTo(Files.readAllBytes(original.file(file)));
        }
        assertThat(Files.readAllBytes(opened.directory().resolve(ModelBundle.MANIFEST_FILE)))
                .isEqualTo(Files.readAllBytes(original.directory().resolve(ModelBundle.MANIFEST_FILE)));
        assertThat(version.bundleVersion()).isEqualTo("v7");
        assertThat(version.format()).isEqualTo("xgboost-json");
        assertThat(version.schemaFingerprint()).isEqualTo(TestBundles.SCHEMA.fingerprint());
        assertThat(registry.get("cpu", 1)).isEqualTo(version);
    }

    @Test
    @DisplayName("registering again never changes an earlier version")
    void versionsAreImmutable() {
        ModelVersion first = registry.register("cpu", bundle(1), Map.of());
        registry.register("cpu", bundle(2), Map.of());
        assertThat(registry.get("cpu", 1)).isEqualTo(first);
        assertThat(registry.open(registry.get("cpu", 1)).checksum()).isEqualTo(first.bundleChecksum());
    }

    @Test
    @DisplayName("unknown models and versions are reported, not invented")
    void reportsUnknownModelsAndVersions() {
        assertThat(registry.versions("nope")).isEmpty();
        assertThat(registry.find("nope", 1)).isEmpty();
        registry.register("cpu", bundle(1), Map.of());
        assertThatThrownBy(() -> registry.get("cpu", 5))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("\"cpu\" has no version 5");
        assertThatThrownBy(() -> registry.resolve(ModelRef.parse("nope")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> registry.setAlias("cpu", Aliases.CHAMPION, 9))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("aliases move atomically and roll back through their history")
    void aliasesMoveAndRollBack() {
        for (int seed = 1; seed <= 3; seed++) {
            registry.register("cpu", bundle(seed), Map.of());
        }
        AliasChange first = registry.setAlias("cpu", Aliases.CHAMPION, 1);
        assertThat(first.previous()).isEmpty();
        assertThat(first.changed()).isTrue();
        registry.setAlias("cpu", Aliases.CHAMPION, 2);
        AliasChange third = registry.setAlias("cpu", Aliases.CHAMPION, 3);
        assertThat(third.previous()).hasValue(2);
        assertThat(registry.resolve("cpu", Aliases.CHAMPION)).map(ModelVersion::version).hasValue(3);

        AliasChange same = registry.setAlias("cpu", Aliases.CHAMPION, 3);
        assertThat(same.changed()).isFalse();

        AliasChange back = registry.rollback("cpu", Aliases.CHAMPION);
        assertThat(back.previous()).hasValue(3);
        assertThat(back.current()).isEqualTo(2);
        assertThat(registry.resolve(ModelRef.parse("cpu@champion")).version()).isEqualTo(2);
        assertThat(registry.rollback("cpu", Aliases.CHAMPION).current()).isEqualTo(1);
        assertThatThrownBy(() -> registry.rollback("cpu", Aliases.CHAMPION))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no earlier target");
        assertThatThrownBy(() -> registry.rollback("cpu", Aliases.STAGING))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("each alias is independent and can be deleted")
    void aliasesAreIndependent() {
        registry.register("cpu", bundle(1), Map.of());
        registry.register("cpu", bundle(2), Map.of());
        registry.setAlias("cpu", Aliases.CHAMPION, 1);
        registry.setAlias("cpu", Aliases.CHALLENGER, 2);
        registry.setAlias("cpu", Aliases.PRODUCTION, 1);
        assertThat(registry.aliases("cpu")).containsExactlyInAnyOrderEntriesOf(
                Map.of("champion", 1, "challenger", 2, "production", 1));
        registry.deleteAlias("cpu", Aliases.PRODUCTION);
        registry.deleteAlias("cpu", Aliases.STAGING);
        assertThat(registry.aliases("cpu")).doesNotContainKey("production");
        assertThat(registry.resolve("cpu", Aliases.PRODUCTION)).isEmpty();
        assertThatThrownBy(() -> registry.setAlias("cpu", "Not Valid", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("references resolve versions, aliases and the latest version")
    void resolvesReferences() {
        registry.register("cpu", bundle(1), Map.of());
        registry.register("cpu", bundle(2), Map.of());
        registry.setAlias("cpu", Aliases.STAGING, 1);
        assertThat(registry.resolve(ModelRef.parse("cpu")).version()).isEqualTo(2);
        assertThat(registry.resolve(ModelRef.parse("cpu/1")).version()).isEqualTo(1);
        assertThat(registry.resolve(ModelRef.parse("cpu@staging")).version()).isEqualTo(1);
        assertThat(registry.open(ModelRef.parse("cpu@staging")).manifest().version()).isEqualTo("v1");
    }

    @Test
    @DisplayName("search returns versions carrying every requested tag")
    void searchesByTags() {
        registry.register("cpu", bundle(1), Map.of("run", "a", "team", "sre"));
        registry.register("cpu", bundle(2), Map.of("run", "b", "team", "sre"));
        registry.register("mem", bundle(3), Map.of("run", "a"));
        assertThat(registry.search(Map.of("run", "a"))).extracting(ModelVersion::ref)
                .containsExactly("cpu/1", "mem/1");
        assertThat(registry.search(Map.of("team", "sre", "run", "b"))).extracting(ModelVersion::ref)
                .containsExactly("cpu/2");
        assertThat(registry.search(Map.of("run", "zzz"))).isEmpty();
    }

    @Test
    @DisplayName("invalid model names are rejected before anything is written")
    void rejectsInvalidNames() {
        ModelBundle bundle = bundle(1);
        assertThatThrownBy(() -> registry.register("../escape", bundle, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.register("", bundle, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.models()).isEmpty();
    }

    @Test
    @DisplayName("concurrent registrations get distinct, gap-free numbers")
    void concurrentRegistrationsGetDistinctNumbers() throws Exception {
        int threads = 6;
        int perThread = 4;
        List<ModelBundle> bundles = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            bundles.add(bundle(100 + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<Integer>> task = () -> {
                    List<Integer> numbers = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        numbers.add(registry.register("cpu", bundles.get(thread * perThread + i), Map.of()).version());
                    }
                    return numbers;
                };
                futures.add(pool.submit(task));
            }
            Set<Integer> all = new HashSet<>();
            for (Future<List<Integer>> future : futures) {
                all.addAll(future.get(120, TimeUnit.SECONDS));
            }
            assertThat(all).containsExactlyInAnyOrderElementsOf(
                    IntStream.rangeClosed(1, threads * perThread).boxed().toList());
            assertThat(registry.versions("cpu")).hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("concurrent alias moves never lose an update")
    void concurrentAliasMovesAreSerialised() throws Exception {
        for (int seed = 1; seed <= 4; seed++) {
            registry.register("cpu", bundle(seed), Map.of());
        }
        registry.setAlias("cpu", Aliases.CHAMPION, 1);
        int moves = 12;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<AliasChange>> futures = new ArrayList<>();
            for (int i = 0; i < moves; i++) {
                int target = 2 + (i % 3);
                futures.add(pool.submit(() -> registry.setAlias("cpu", Aliases.CHAMPION, target)));
            }
            int changed = 0;
            for (Future<AliasChange> future : futures) {
                if (future.get(60, TimeUnit.SECONDS).changed()) {
                    changed++;
                }
            }
            // Every move that reported a change is in the history: rolling back steps through all of them.
            int rollbacks = 0;
            while (true) {
                try {
                    registry.rollback("cpu", Aliases.CHAMPION);
                    rollbacks++;
                } catch (NotFoundException e) {
                    break;
                }
            }
            assertThat(rollbacks).isEqualTo(changed);
            assertThat(registry.resolve("cpu", Aliases.CHAMPION)).map(ModelVersion::version).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
