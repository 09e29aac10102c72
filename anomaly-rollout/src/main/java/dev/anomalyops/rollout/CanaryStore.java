package dev.anomalyops.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * Persists a rollout's state in one JSON file, replaced atomically (write, force, rename), so a restarted
 * server resumes the rollout in its stage instead of starting over or jumping to 100%.
 */
public final class CanaryStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    /**
     * @param file the state file; its directory must exist
     */
    public CanaryStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    /** @return the state file */
    public Path file() {
        return file;
    }

    void save(State state) {
        ObjectNode node = JSON.createObjectNode();
        node.put("model", state.model);
        node.put("alias", state.alias);
        node.put("baselineVersion", state.baselineVersion);
        node.put("canaryVersion", state.canaryVersion);
        node.put("phase", state.phase.name());
        node.put("stage", state.stage);
        node.put("stageStartedAt", state.stageStartedAt.toString());
        node.put("reason", state.reason);
        node.set("baseline", arm(state.baseline));
        node.set("canary", arm(state.canary));
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StorageException("Cannot save the canary state to " + file + ": " + e.getMessage(), e);
        }
    }

    Optional<State> load() {
        JsonNode node;
        try {
            node = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("Cannot read the canary state " + file + ": " + e.getMessage(), e);
        }
        try {
            State state = new State(node.get("model").asText(), node.get("alias").asText(),
                    node.get("baselineVersion").asInt(), node.get("canaryVersion").asInt());
            state.phase = CanaryStatus.Phase.valueOf(node.get("phase").asText());
            state.stage = node.get("stage").asInt();
            state.stageStartedAt = Instant.parse(node.get("stageStartedAt").asText());
            state.reason = node.path("reason").asText("");
            state.baseline = arm(node.get("baseline"));
            state.canary = arm(node.get("canary"));
            return Optional.of(state);
        } catch (RuntimeException e) {
            throw new StorageException("The canary state " + file + " is malformed: " + e.getMessage(), e);
        }
    }

    private static ObjectNode arm(Arm arm) {
        ObjectNode node = JSON.createObjectNode();
        node.put("requests", arm.requests);
        node.put("errors", arm.errors);
        node.put("feedback", arm.feedback);
        node.put("correct", arm.correct);
        ArrayNode buckets = node.putArray("latency");
        long[] counts = arm.latency.counts();
        // Sparse: [bucket, count] pairs, since most of the 420 buckets are empty.
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] > 0) {
                buckets.addArray().add(b).add(counts[b]);
            }
        }
        return node;
    }

    private static Arm arm(JsonNode node) {
        long[] counts = new long[LatencyHistogram.BUCKETS];
        for (JsonNode pair : node.path("latency")) {
            counts[pair.get(0).asInt()] = pair.get(1).asLong();
        }
        Arm arm = new Arm(new LatencyHistogram(counts));
        arm.requests = node.get("requests").asLong();
        arm.errors = node.get("errors").asLong();
        arm.feedback = node.get("feedback").asLong();
        arm.correct = node.get("correct").asLong();
        return arm;
    }

    /** Mutable rollout state, guarded by the controller. */
    static final class State {
        final String model;
        final String alias;
        final int baselineVersion;
        final int canaryVersion;
        CanaryStatus.Phase phase = CanaryStatus.Phase.RUNNING;
        int stage;
        Instant stageStartedAt = Instant.EPOCH;
        String reason = "";
        Arm baseline = new Arm(new LatencyHistogram());
        Arm canary = new Arm(new LatencyHistogram());

        State(String model, String alias, int baselineVersion, int canaryVersion) {
            this.model = model;
            this.alias = alias;
            this.baselineVersion = baselineVersion;
            this.canaryVersion = canaryVersion;
        }
    }

    /** One arm's counters within the current stage. */
    static final class Arm {
        final LatencyHistogram latency;
        long requests;
        long errors;
        long feedback;
        long correct;

        Arm(LatencyHistogram latency) {
            this.latency = latency;
        }

        CanaryStatus.ArmFigures figures() {
            return new CanaryStatus.ArmFigures(requests, errors, latency.quantileMillis(0.95), feedback,
                    feedback == 0 ? Double.NaN : (double) correct / feedback);
        }
    }
}
