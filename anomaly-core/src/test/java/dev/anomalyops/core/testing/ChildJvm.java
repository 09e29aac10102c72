package dev.anomalyops.core.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a class's {@code main} in a second JVM with this JVM's class path, for multi-process tests. */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * @param mainClass the class whose main runs
     * @param log file receiving the child's stdout and stderr
     * @param args its arguments
     * @return the started process
     * @throws IOException when the JVM cannot start
     */
    public static Process start(Class<?> mainClass, Path log, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(new File(System.getProperty("user.dir")))
                .start();
    }
}
