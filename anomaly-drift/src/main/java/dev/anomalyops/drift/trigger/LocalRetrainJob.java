package dev.anomalyops.drift.trigger;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrains by running a command on this machine, e.g. {@code ./anomalyops train --model {model} ...}: at most one
 * run per model at a time, output to a log file per run, killed after a timeout. Arguments may contain
 * {@code {model}}, {@code {version}}, {@code {reason}} and {@code {id}}; the same values are in the environment as
 * {@code ANOMALYOPS_MODEL}, {@code ANOMALYOPS_MODEL_VERSION}, {@code ANOMALYOPS_RETRAIN_REASON},
 * {@code ANOMALYOPS_RETRAIN_ID} and {@code ANOMALYOPS_DEDUPE_KEY}. No shell is involved, and model names are
 * validated bundle names, so alert labels cannot inject commands. Thread-safe.
 */
public final class LocalRetrainJob implements RetrainTrigger {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRetrainJob.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    private static final int KEPT_RUNS = 100;

    private final List<String> command;
    private final Path workingDirectory;
    private final Path logDirectory;
    private final Map<String, String> environment;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, Process> running = new HashMap<>();
    private final Map<String, CompletableFuture<Integer>> runs = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Integer>> eldest) {
            return size() > KEPT_RUNS;
        }
    };

    private LocalRetrainJob(Builder builder) {
        this.command = List.copyOf(builder.command);
        this.workingDirectory = builder.workingDirectory;
        this.logDirectory = builder.logDirectory;
        this.environment = Map.copyOf(builder.environment);
        this.timeout = builder.timeout;
        this.clock = builder.clock;
    }

    /**
     * @param command the program and its arguments, with optional placeholders
     * @return a builder: working directory ".", logs under {@code retrain-logs}, a six-hour timeout
     */
    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public RetrainResult trigger(RetrainRequest request) {
        String id = request.model() + "-" + ID_TIME.format(clock.instant());
        synchronized (running) {
            Process current = running.get(request.model());
            if (current != null && current.isAlive()) {
                return new RetrainResult(RetrainResult.Status.ALREADY_RUNNING, "pid-" + current.pid(),
                        "A retrain of model \"" + request.model() + "\" is still running (pid " + current.pid() + ")");
            }
            List<String> arguments = new ArrayList<>(command.size());
            for (String part : command) {
                arguments.add(part.replace("{model}", request.model()).replace("{version}", request.version())
                        .replace("{reason}", request.reason()).replace("{id}", id));
            }
            Path log = logDirectory.resolve(id + ".log");
            ProcessBuilder builder = new ProcessBuilder(arguments).directory(workingDirectory.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = builder.environment();
            env.putAll(environment);
            env.put("ANOMALYOPS_MODEL", request.model());
            env.put("ANOMALYOPS_MODEL_VERSION", request.version());
            env.put("ANOMALYOPS_RETRAIN_REASON", request.reason());
            env.put("ANOMALYOPS_RETRAIN_ID", id);
            env.put("ANOMALYOPS_DEDUPE_KEY", request.dedupeKey());
            Process process;
            try {
                Files.createDirectories(logDirectory);
                process = builder.start();
            } catch (IOException e) {
                throw new StorageException("Cannot start the retrain command " + arguments + " for model \""
                        + request.model() + "\": " + e.getMessage(), e);
            }
            running.put(request.model(), process);
            CompletableFuture<Integer> done = process.onExit()
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((p, failure) -> {
                        if (failure != null) {
                            LOG.warn("Retrain {} ran past its timeout of {}; killing pid {}", id, timeout, process.pid());
                            process.destroyForcibly();
                            try {
                                return process.waitFor();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return -1;
                            }
                        }
                        return p.exitValue();
                    });
            done.thenAccept(code -> {
                synchronized (running) {
                    running.remove(request.model(), process);
                }
                LOG.info("Retrain {} of model {} finished with exit code {} (log {})", id, request.model(), code, log);
            });
            runs.put(id, done);
            LOG.info("Started retrain {} of model {} (pid {}): {}", id, request.model(), process.pid(), request.reason());
            return new RetrainResult(RetrainResult.Status.STARTED, id, "Started " + arguments + " as pid " + process.pid()
                    + ", logging to " + log);
        }
    }

    /**
     * @param id a run id from {@link RetrainResult#id()}
     * @return the run's exit code once it ends (137 or similar when killed), if the run is one of the last 100
     */
    public Optional<CompletableFuture<Integer>> completion(String id) {
        synchronized (running) {
            return Optional.ofNullable(runs.get(id));
        }
    }

    /** Builds a {@link LocalRetrainJob}. */
    public static final class Builder {
        private final List<String> command;
        private Path workingDirectory = Path.of(".");
        private Path logDirectory = Path.of("retrain-logs");
        private final Map<String, String> environment = new HashMap<>();
        private Duration timeout = Duration.ofHours(6);
        private Clock clock = Clock.systemUTC();

        private Builder(List<String> command) {
            this.command = new ArrayList<>(Objects.requireNonNull(command, "command"));
        }

        /**
         * @param directory where the command runs
         * @return this builder
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * @param directory where each run's output goes ({@code <id>.log})
         * @return this builder
         */
        public Builder logDirectory(Path directory) {
            this.logDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * @param name an environment variable for the command
         * @param value its value
         * @return this builder
         */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param timeout a run still going after this long is killed
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param clock the time source for run ids
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the job
         * @throws ConfigurationException listing every problem
         */
        public LocalRetrainJob build() {
            List<String> problems = new ArrayList<>();
            if (command.isEmpty() || command.get(0).isBlank()) {
                problems.add("the retrain command must name a program but was " + command);
            }
            if (!Files.isDirectory(workingDirectory)) {
                problems.add("the working directory " + workingDirectory + " does not exist");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                problems.add("timeout must be positive but was " + timeout);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new LocalRetrainJob(this);
        }
    }
}
