package dev.anomalyops.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Headless Chromium (Debian's {@code chromium}) for checking that HTML reports render. */
final class Chromium {
    private Chromium() {}

    static Path binary() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        Assumptions.abort("Chromium is not installed (apt-get install -y chromium; .ci/run installs it), so the"
                + " report's rendering cannot be checked here");
        throw new IllegalStateException();
    }

    /** Renders a page to a PNG of the given size, failing with Chromium's output when it produces none. */
    static void screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(png.getParent(), "chromium-profile");
        Process process = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(),
                html.toAbsolutePath().toUri().toString())
                .redirectErrorStream(true).redirectOutput(png.resolveSibling("chromium.log").toFile()).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String log = Files.readString(png.resolveSibling("chromium.log"));
        assertThat(finished).as("chromium finished within 120 s: " + log).isTrue();
        assertThat(png).as("chromium wrote a screenshot; its output: " + log).exists();
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }
}
