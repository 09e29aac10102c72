package dev.anomalyops.registry.mlflow;

import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.testing.TestBundles;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A second process for {@link MlflowModelRegistryProcessTest}: registers bundles and moves the champion
 * alias through its own {@link MlflowModelRegistry}, then prints what it did.
 */
public final class MlflowRegistryWriter {
    private MlflowRegistryWriter() {}

    /**
     * @param args tracking URI, work directory, seed offset, registrations, alias moves
     */
    public static void main(String[] args) {
        URI uri = URI.create(args[0]);
        Path work = Path.of(args[1]);
        int offset = Integer.parseInt(args[2]);
        int registrations = Integer.parseInt(args[3]);
        int moves = Integer.parseInt(args[4]);
        try (MlflowModelRegistry registry = MlflowModelRegistry.builder(uri).cacheDirectory(work.resolve("cache"))
                .retryBackoff(Duration.ofMillis(5)).build()) {
            List<Integer> numbers = new ArrayList<>();
            for (int i = 0; i < registrations; i++) {
                ModelVersion version = registry.register("cpu", TestBundles.write(work.resolve("b" + i), "cpu",
                        offset + i), Map.of("writer", Integer.toString(offset)));
                numbers.add(version.version());
            }
            int changed = 0;
            for (int i = 0; i < moves; i++) {
                if (registry.setAlias("cpu", Aliases.CHAMPION, 1 + (offset + i) % 3).changed()) {
                    changed++;
                }
            }
            System.out.println("versions=" + numbers);
            System.out.println("changed=" + changed);
        }
    }
}
