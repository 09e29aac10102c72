package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./bench} entry point: {@code ./bench <runner> [options]}. Each runner is a subcommand that
 * returns its figures; this class prints them as one compact JSON line, the last line on stdout. Runners are
 * found with {@link ServiceLoader} ({@code META-INF/services/dev.anomalyops.benchmarks.Bench$Runner}), so this
 * class knows none of them and adding one touches no shared code.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs a benchmark runner; the last line on stdout is one JSON object with its figures.",
        subcommands = CommandLine.HelpCommand.class)
public final class Bench implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing runner; see ./bench --help");
    }

    /** A runner: a picocli command whose call returns the JSON figures. */
    public interface Runner extends Callable<ObjectNode> {}

    /** @return a new, empty JSON object for a runner's figures */
    public static ObjectNode figures() {
        return JSON.createObjectNode();
    }

    /**
     * Prints a progress line on stderr.
     *
     * @param format a {@link String#format} pattern
     * @param args its arguments
     */
    public static void progress(String format, Object... args) {
        System.err.println(String.format(format, args));
        System.err.flush();
    }

    /**
     * The {@code ./bench} command line with every runner that {@link ServiceLoader} finds as a subcommand.
     *
     * @return a fresh command line, also used by tests to parse a runner's options exactly as the launcher does
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Bench());
        List<Runner> runners = new ArrayList<>();
        ServiceLoader.load(Runner.class).forEach(runners::add);
        runners.sort(Comparator.comparing(r -> r.getClass().getAnnotation(Command.class).name()));
        for (Runner runner : runners) {
            commandLine.addSubcommand(runner);
        }
        return commandLine;
    }

    /**
     * @param args the runner name and its options
     */
    public static void main(String[] args) {
        CommandLine commandLine = commandLine();
        PrintStream out = System.out;
        commandLine.setExecutionStrategy(parseResult -> {
            CommandLine.ParseResult leaf = parseResult;
            while (leaf.subcommand() != null) {
                leaf = leaf.subcommand();
            }
            if (CommandLine.printHelpIfRequested(parseResult)) {
                return 0;
            }
            Object command = leaf.commandSpec().userObject();
            if (!(command instanceof Runner runner)) {
                return new CommandLine.RunLast().execute(parseResult);
            }
            try {
                ObjectNode result = runner.call();
                out.println(JSON.writeValueAsString(result));
                out.flush();
                return 0;
            } catch (Exception e) {
                System.err.println("bench: " + (e.getMessage() != null ? e.getMessage() : e.toString()).replaceAll("\\R", " "));
                return 1;
            }
        });
        commandLine.setParameterExceptionHandler((ex, a) -> {
            System.err.println("bench: " + ex.getMessage());
            return CommandLine.ExitCode.USAGE;
        });
        System.exit(commandLine.execute(args));
    }
}
