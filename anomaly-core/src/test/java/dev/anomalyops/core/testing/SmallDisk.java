package dev.anomalyops.core.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs child JVMs against a real, tiny file system: a tmpfs of a few hundred kilobytes mounted in a private mount
 * namespace ({@code unshare --mount}), so writes fail with the kernel's own {@code ENOSPC} ("No space left on
 * device") part-way through, exactly as on a full disk, and the host never sees the mount. Needs Linux and either
 * root (CI runs as root) or unprivileged user namespaces; {@link #unavailableReason()} says why not otherwise, for
 * tests to skip with.
 *
 * <p>The children run one after the other in the same namespace (so the second sees what the first left on the
 * small disk, as a restarted process would); each gets the mount point as its first argument.
 */
public final class SmallDisk {
    private static volatile Optional<String> probe;

    private SmallDisk() {}

    /** @return why a small disk cannot be mounted here, or empty when it can */
    public static synchronized Optional<String> unavailableReason() {
        if (probe == null) {
            probe = runProbe();
        }
        return probe;
    }

    private static Optional<String> runProbe() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("a tmpfs in a private mount namespace needs Linux");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/unshare")) || !Files.isExecutable(Path.of("/bin/sh"))) {
            return Optional.of("/usr/bin/unshare (util-linux) is not installed");
        }
        try {
            Path dir = Files.createTempDirectory("small-disk-probe-");
            try {
                Process p = new ProcessBuilder(command(List.of("mount -t tmpfs -o size=64k anomalyops-probe "
                        + quote(dir.toString()) + " && touch " + quote(dir.resolve("ok").toString()))))
                        .redirectErrorStream(true).start();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return Optional.of("mounting a tmpfs with unshare timed out");
                }
                String output = new String(p.getInputStream().readAllBytes()).strip();
                if (p.exitValue() != 0) {
                    return Optional.of("cannot mount a tmpfs in a private mount namespace (" + output + ")");
                }
                if (Files.exists(dir.resolve("ok"))) {
                    return Optional.of("the probe's tmpfs was not private to its namespace");
                }
                return Optional.empty();
            } finally {
                Files.deleteIfExists(dir.resolve("ok"));
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            return Optional.of("cannot run unshare: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while probing for unshare");
        }
    }

    /**
     * Mounts a tmpfs of {@code kilobytes} on {@code mountPoint} in a new mount namespace and runs each child's
     * {@code main(mountPoint, args...)} in turn, stopping at the first that fails.
     *
     * @param mountPoint an existing empty directory
     * @param kilobytes the file system's size
     * @param log receives the children's output
     * @param children the classes whose main methods run, in order
     * @param args further arguments for every child
     * @return the finished process (exit status 0 when the mount and every child succeeded)
     * @throws IOException when the process cannot start
     * @throws InterruptedException when interrupted while waiting
     */
    public static Process run(Path mountPoint, int kilobytes, Path log, List<Class<?>> children, String... args)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder script = new StringBuilder("set -e; mount -t tmpfs -o size=" + kilobytes + "k anomalyops-small-disk "
                + quote(mountPoint.toString()));
        for (Class<?> child : children) {
            script.append("; ").append(quote(java)).append(" -Xmx256m -XX:TieredStopAtLevel=1 -cp ")
                    .append(quote(System.getProperty("java.class.path"))).append(' ').append(quote(child.getName()))
                    .append(' ').append(quote(mountPoint.toString()));
            for (String arg : args) {
                script.append(' ').append(quote(arg));
            }
        }
        Process process = new ProcessBuilder(command(List.of(script.toString())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(new File(System.getProperty("user.dir")))
                .start();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process;
    }

    private static List<String> command(List<String> script) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--propagation", "private"));
        if (!"root".equals(System.getProperty("user.name"))) {
            command.add("--map-root-user");
        }
        command.add("/bin/sh");
        command.add("-c");
        command.addAll(script);
        return command;
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
