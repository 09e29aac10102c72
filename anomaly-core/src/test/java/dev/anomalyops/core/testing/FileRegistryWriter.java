package dev.anomalyops.core.testing;

import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.FileModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child-process side of the multi-process registry tests: registers bundles into a
 * {@link FileModelRegistry} in a loop and prints one line per registration.
 *
 * <p>Arguments: registry root, model name, count (0 = until killed), writer label, model size in bytes.
 */
public final class FileRegistryWriter {
    private FileRegistryWriter() {}

    /**
     * @param args see the class description
     * @throws Exception on any failure, which the parent sees as a non-zero exit
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String model = args[1];
        int count = Integer.parseInt(args[2]);
        String label = args[3];
        int size = Integer.parseInt(args[4]);
        Path scratch = Files.createTempDirectory("registry-writer-" + label);
        FileModelRegistry registry = FileModelRegistry.open(root);
        for (int i = 0; count == 0 || i < count; i++) {
            ModelBundle bundle = TestBundles.write(scratch.resolve("b" + i), model, label.hashCode() * 1000L + i, size);
            int version = registry.register(model, bundle, Map.of("writer", label, "seq", Integer.toString(i))).version();
            System.out.println("registered " + version + " by " + label);
            System.out.flush();
        }
    }
}
