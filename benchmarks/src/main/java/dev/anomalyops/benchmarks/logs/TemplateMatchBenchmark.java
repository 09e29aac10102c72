package dev.anomalyops.benchmarks.logs;

import dev.anomalyops.features.logs.LineOutcome;
import dev.anomalyops.features.logs.LogFormat;
import dev.anomalyops.features.logs.LogRecord;
import dev.anomalyops.features.logs.templates.TemplateMatcher;
import dev.anomalyops.features.logs.templates.TemplateMiner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Matching speed of known templates on the Loghub HDFS and BGL samples, in lines per second on one thread
 * (each operation is one line), next to two baselines measured in the same run: splitting the message on
 * spaces ({@code String.split}) and parsing the raw line with the Loghub format (the regular expression alone).
 *
 * <p>Run from the repository root with {@code ./bench jmh TemplateMatchBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s}, or
 * (after {@code ./mvnw -B -pl benchmarks -am package -DskipTests}):
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main \
 *     TemplateMatchBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s -jvmArgs "-Danomalyops.shared.data=$PWD/../shared/data"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TemplateMatchBenchmark {
    private static final int LINES = 2000;

    @Param({"HDFS", "BGL"})
    public String system;

    private String[] messages;
    private String[] lines;
    private LogFormat format;
    private TemplateMatcher matcher;

    @Setup
    public void setUp() throws IOException {
        Path data = Path.of(System.getProperty("anomalyops.shared.data", "../shared/data"));
        Path log = data.resolve("loghub").resolve(system).resolve(system + "_2k.log");
        format = LogFormat.of(system.equals("HDFS")
                ? "<Date> <Time> <Pid> <Level> <Component>: <Content>"
                : "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>");
        List<String> raw = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> contents = new ArrayList<>();
        TemplateMiner miner = TemplateMiner.builder().build();
        for (int i = 0; i < raw.size(); i++) {
            LineOutcome outcome = format.parse(raw.get(i), i + 1);
            String message = ((LogRecord) outcome).message();
            contents.add(message);
            miner.learn(message);
        }
        matcher = miner.freeze();
        messages = contents.subList(0, LINES).toArray(new String[0]);
        lines = raw.subList(0, LINES).toArray(new String[0]);
    }

    /** Known-template matching: message to template id. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void match(Blackhole blackhole) {
        for (String message : messages) {
            blackhole.consume(matcher.match(message));
        }
    }

    /** Raw line to template id: the format's regular expression, then matching. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parseAndMatch(Blackhole blackhole) {
        for (int i = 0; i < lines.length; i++) {
            LineOutcome outcome = format.parse(lines[i], i + 1);
            blackhole.consume(matcher.match(((LogRecord) outcome).message()));
        }
    }

    /** Baseline: the format's regular expression alone. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parseOnly(Blackhole blackhole) {
        for (int i = 0; i < lines.length; i++) {
            blackhole.consume(format.parse(lines[i], i + 1));
        }
    }

    /** Baseline: splitting the message on spaces, the least any tokenising matcher must do. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void splitBaseline(Blackhole blackhole) {
        for (String message : messages) {
            blackhole.consume(message.split(" "));
        }
    }
}
