package dev.anomalyops.app.spark;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a main class of anomaly-spark in a child JVM on that module's class path, for the commands of this checkout
 * that use Spark in local mode ({@code ./anomalyops demo --spark}, {@code ./bench spark}). Spark 3.5 and its ~180
 * jars are a {@code provided} dependency of anomaly-spark, so they never join the reference app's class path; the
 * child gets the JDK 17 flags Spark needs and a log4j configuration that keeps Spark's own chatter at WARN.
 *
 * <p>The class path comes from the files anomaly-spark's build writes ({@code target/classpath-runtime.txt},
 * {@code classpath-provided.txt}); when they are missing or older than a source, the module is built first with
 * the checkout's Maven wrapper (unless {@code ANOMALYOPS_SKIP_BUILD} is set).
 */
public final class SparkProcess {
    /** The JDK 17 flags Spark 3.5 needs (the same list as {@code spark.java17.flags} in the root POM and docs/spark.md). */
    public static final List<String> JAVA17_FLAGS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

    /** The modules whose sources anomaly-spark's class path depends on. */
    private static final List<String> MODULES = List.of("anomaly-core", "anomaly-features", "anomaly-train",
            "anomaly-spark");

    private final Path root;
    private final String heap;

    private SparkProcess(Path root, String heap) {
        this.root = root;
        this.heap = heap;
    }

    /**
     * @param anchor a class of a module of this checkout (its {@code target/classes} is three levels below the root)
     * @param heap the child's maximum heap, as {@code -Xmx} takes it ({@code 6g})
     * @return a launcher for the checkout that holds {@code anchor}
     * @throws ConfigurationException when {@code anchor} does not run from a checkout with anomaly-spark
     */
    public static SparkProcess forCheckoutOf(Class<?> anchor, String heap) {
        java.security.CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new ConfigurationException("Cannot tell where " + anchor.getName() + " was loaded from");
        }
        Path classes;
        try {
            classes = Path.of(source.getLocation().toURI());
        } catch (Exception e) {
            throw new ConfigurationException("Cannot tell where " + anchor.getName() + " was loaded from", e);
        }
        Path root = classes.getParent() == null || classes.getParent().getParent() == null ? null
                : classes.getParent().getParent().getParent();
        if (root == null || !Files.exists(root.resolve("anomaly-spark/pom.xml"))) {
            throw new ConfigurationException("Spark in local mode needs this project's checkout (anomaly-spark next to"
                    + " the running module); " + classes + " is not in one");
        }
        return new SparkProcess(root, heap);
    }

    /** @return the checkout's root */
    public Path root() {
        return root;
    }

    /**
     * Runs {@code mainClass} and waits for it. Its output goes to {@code log}; each line of it that is not Spark's
     * (no WARN, no stack frame) is also passed to {@code progress} as it comes.
     *
     * @param mainClass a class with a {@code main} on anomaly-spark's class path
     * @param args its arguments
     * @param log the file for the child's output (replaced)
     * @param progress receives the child's progress lines
     * @return the child's exit status
     * @throws StorageException when the child cannot be started or its log cannot be read
     */
    public int run(String mainClass, List<String> args, Path log, Consumer<String> progress) {
        ensureBuilt(progress);
        Path target = root.resolve("anomaly-spark/target");
        try {
            String classpath = target.resolve("classes") + ":" + read(target.resolve("classpath-runtime.txt")) + ":"
                    + read(target.resolve("classpath-provided.txt"));
            Files.createDirectories(log.toAbsolutePath().getParent());
            Path log4j = log.resolveSibling(log.getFileName() + ".log4j2.properties");
            Files.writeString(log4j, String.join("\n",
                    "rootLogger.level = warn", "rootLogger.appenderRef.stderr.ref = console",
                    "appender.console.type = Console", "appender.console.name = console",
                    "appender.console.target = SYSTEM_ERR", "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = %d{HH:mm:ss} %m%n",
                    "logger.ao.name = dev.anomalyops", "logger.ao.level = info", ""));
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + heap);
            command.add("-XX:+UseParallelGC");
            command.addAll(JAVA17_FLAGS);
            command.add("-Dlog4j2.configurationFile=" + log4j);
            command.add("-cp");
            command.add(classpath);
            command.add(mainClass);
            command.addAll(args);
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            Thread tail = tail(log, p, progress);
            int rc = p.waitFor();
            tail.join(2_000);
            return rc;
        } catch (IOException e) {
            throw new StorageException("Cannot run the Spark JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while the Spark JVM ran", e);
        }
    }

    /** Echoes the child's progress lines (ours, not Spark's) as they come. */
    private static Thread tail(Path log, Process p, Consumer<String> progress) {
        Thread t = new Thread(() -> {
            long position = 0;
            StringBuilder partial = new StringBuilder();
            try {
                while (true) {
                    boolean alive = p.isAlive();
                    long size = Files.exists(log) ? Files.size(log) : 0;
                    if (size > position) {
                        try (InputStream in = Files.newInputStream(log)) {
                            in.skipNBytes(position);
                            byte[] bytes = in.readNBytes((int) Math.min(size - position, 1 << 20));
                            position += bytes.length;
                            partial.append(new String(bytes, StandardCharsets.UTF_8));
                        }
                        int newline;
                        while ((newline = partial.indexOf("\n")) >= 0) {
                            String line = partial.substring(0, newline);
                            partial.delete(0, newline + 1);
                            if (!line.isBlank() && !line.contains("WARN") && !line.startsWith("\t")) {
                                progress.accept(line);
                            }
                        }
                    } else if (!alive) {
                        break;
                    }
                    Thread.sleep(300);
                }
            } catch (IOException | InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "spark-log");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Builds anomaly-spark (and what it needs) when its class path files are missing or older than a source. */
    private void ensureBuilt(Consumer<String> progress) {
        if (System.getenv("ANOMALYOPS_SKIP_BUILD") != null) {
            return;
        }
        Path marker = root.resolve("anomaly-spark/target/classpath-provided.txt");
        try {
            if (Files.exists(marker) && !newerSources(Files.getLastModifiedTime(marker))) {
                return;
            }
            progress.accept("Building anomaly-spark (first use or sources changed) ...");
            Process build = new ProcessBuilder(root.resolve("mvnw").toString(), "-q", "-B", "-DskipTests",
                    "-Denforcer.skip=true", "-Dmaven.javadoc.skip=true", "-Dmaven.source.skip=true", "-pl",
                    "anomaly-spark", "-am", "package")
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (build.waitFor() != 0) {
                throw new StorageException("Building anomaly-spark failed (see the output above)");
            }
        } catch (IOException e) {
            throw new StorageException("Cannot build anomaly-spark: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while building anomaly-spark", e);
        }
    }

    private boolean newerSources(FileTime than) throws IOException {
        if (Files.getLastModifiedTime(root.resolve("pom.xml")).compareTo(than) > 0) {
            return true;
        }
        for (String module : MODULES) {
            Path dir = root.resolve(module);
            if (Files.getLastModifiedTime(dir.resolve("pom.xml")).compareTo(than) > 0) {
                return true;
            }
            Path main = dir.resolve("src/main");
            if (!Files.exists(main)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(main)) {
                if (files.anyMatch(f -> modifiedAfter(f, than))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean modifiedAfter(Path file, FileTime than) {
        try {
            return Files.getLastModifiedTime(file).compareTo(than) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new StorageException("\"" + file + "\" is missing: build anomaly-spark first (./mvnw -pl anomaly-spark"
                    + " -am package)");
        }
        return Files.readString(file).trim();
    }
}
