package dev.anomalyops.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the public datasets in {@code ../shared/data} (never copied into the repository). The build passes
 * the path as the system property {@code anomalyops.shared.data}; otherwise parent directories are searched.
 */
public final class SharedData {
    private SharedData() {}

    /** @return the shared data directory */
    public static Path root() {
        String property = System.getProperty("anomalyops.shared.data");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate.resolve("smd"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find the shared datasets: set -Danomalyops.shared.data=<path to shared/data>");
    }

    /**
     * @param relative a path inside the shared data directory
     * @return the absolute path; the calling test is skipped (not failed) when the file is absent
     */
    public static Path require(String relative) {
        Path path = root().resolve(relative);
        Assumptions.assumeTrue(Files.exists(path), () -> "shared dataset missing: " + path);
        return path;
    }
}
