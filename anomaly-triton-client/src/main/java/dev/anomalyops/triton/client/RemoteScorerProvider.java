package dev.anomalyops.triton.client;

import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.ScorerProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code remote} engine: scores a bundle's model on an inference server instead of in this JVM, so switching
 * between embedded and remote scoring is configuration only. The local bundle still supplies the schema and the
 * threshold; the server supplies the predictions. Options:
 *
 * <ul>
 *   <li>{@code engine = remote} (required: this engine is never chosen on its own);
 *   <li>{@value #URL}: {@code grpc://host:8001} or {@code http://host:8000} (required);
 *   <li>{@value #MODEL}: the model's name on the server (default: the bundle's name);
 *   <li>{@value #VERSION}: its version there (default: the server's choice);
 *   <li>{@value #DEADLINE}: per-call deadline in milliseconds (default 10000).
 * </ul>
 */
public final class RemoteScorerProvider implements ScorerProvider {
    /** The engine name. */
    public static final String NAME = "remote";
    /** Server URL option. */
    public static final String URL = "remote.url";
    /** Model name option. */
    public static final String MODEL = "remote.model";
    /** Model version option. */
    public static final String VERSION = "remote.version";
    /** Deadline option, in milliseconds. */
    public static final String DEADLINE = "remote.deadline-ms";

    @Override
    public String name() {
        return NAME;
    }

    /** Lowest: chosen only by name, never in place of a local engine. */
    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public boolean supports(ModelFormat format) {
        return true;
    }

    @Override
    public Scorer create(ModelBundle bundle, ScorerOptions options) {
        Map<String, String> p = options.properties();
        String url = p.get(URL);
        if (!options.engine().map(NAME::equalsIgnoreCase).orElse(false) || url == null) {
            throw new BackendUnavailableException("No local engine scores model format \"" + bundle.format()
                    + "\"; to score it on an inference server choose engine \"remote\" and set " + URL);
        }
        long deadline;
        try {
            deadline = Long.parseLong(p.getOrDefault(DEADLINE, "10000"));
        } catch (NumberFormatException e) {
            throw new ConfigurationException(List.of(DEADLINE + " was \"" + p.get(DEADLINE)
                    + "\" but it must be a number of milliseconds"));
        }
        TritonClient client = TritonClient.builder(URI.create(url)).deadline(Duration.ofMillis(deadline)).build();
        try {
            return RemoteScorer.connect(ModelInfo.of(bundle.manifest(), NAME), client,
                    p.getOrDefault(MODEL, bundle.manifest().name()), p.getOrDefault(VERSION, ""), true);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
