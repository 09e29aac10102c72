package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.Scorers;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench bundle --model PATH}: loads a bundle (directory or archive) or a bare model file, verifies
 * it, and prints its manifest as JSON with the time the load took.
 */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Load and verify a bundle or model file; print its manifest and the load time as JSON.")
public final class BundleRunner implements Bench.Runner {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "A bundle directory, a bundle .zip, or a bare model file.")
    Path model;

    @Override
    public ObjectNode call() throws Exception {
        Bench.progress("Loading %s ...", model);
        long start = System.nanoTime();
        ModelBundle bundle = Scorers.load(model);
        double millis = (System.nanoTime() - start) / 1e6;
        Bench.progress("Verified %d files in %.1f ms", bundle.manifest().files().size(), millis);
        ObjectNode result = Bench.figures();
        result.set("manifest", new ObjectMapper().readTree(Files.readAllBytes(
                bundle.directory().resolve(ModelBundle.MANIFEST_FILE))));
        result.put("bundle_checksum", bundle.checksum());
        result.put("load_ms", millis);
        return result;
    }
}
