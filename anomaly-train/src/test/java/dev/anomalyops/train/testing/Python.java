package dev.anomalyops.train.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs a reference script from {@code src/test/python} with Debian's {@code /usr/bin/python3}. */
public final class Python {
    /** The interpreter .ci/run provides (with python3-sklearn). */
    public static final Path INTERPRETER = Path.of("/usr/bin/python3");

    private Python() {}

    /**
     * @param script file name in {@code src/test/python}
     * @param args its arguments
     * @return the JSON object it printed as its last stdout line
     * @throws Exception when it fails or times out (the test then fails with its output)
     */
    public static JsonNode run(String script, String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(INTERPRETER), "needs " + INTERPRETER + " with python3-sklearn");
        List<String> command = new ArrayList<>();
        command.add(INTERPRETER.toString());
        command.add(Path.of("src/test/python", script).toAbsolutePath().toString());
        command.addAll(List.of(args));
        Path log = Files.createTempFile("python-", ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(script + " timed out");
        }
        String stdout = new String(out, StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0) {
            throw new IOException(script + " exited with " + process.exitValue() + ": " + Files.readString(log));
        }
        String last = stdout.substring(stdout.lastIndexOf('\n') + 1);
        return new ObjectMapper().readTree(last);
    }
}
