package dev.anomalyops.app.cli;

import dev.anomalyops.core.AnomalyOpsException;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.NotFoundException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code anomalyops} command. Every subcommand has {@code --help} and {@code --json}, prints its result
 * on stdout and progress on stderr, and on failure prints one line, {@code anomalyops: <reason>}, on stderr
 * and exits non-zero:
 *
 * <ul>
 *   <li>0: success
 *   <li>1: the command failed (storage, remote service, unexpected error)
 *   <li>2: invalid command line (unknown option, missing argument)
 *   <li>3: invalid input data or model (bad rows, unreadable or corrupted model, schema mismatch)
 *   <li>4: a named model, version or alias does not exist (or a data file is missing)
 *   <li>5: {@code drift --fail-on-drift} found drift
 * </ul>
 */
@Command(name = "anomalyops",
        mixinStandardHelpOptions = true,
        versionProvider = AnomalyOpsCli.Version.class,
        description = "Anomaly detection for server logs and metrics: pipeline, scoring, bundles, registry, labelling,"
                + " explanations.",
        subcommands = {
            ScoreCommand.class,
            BundleCommand.class,
            RegisterCommand.class,
            PromoteCommand.class,
            RollbackCommand.class,
            VersionsCommand.class,
            ExplainCommand.class,
            ServeCommand.class,
            ExportTritonCommand.class,
            LabelCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            IngestCommand.class,
            ValidateCommand.class,
            FeaturesCommand.class,
            DriftCommand.class,
            RetrainCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class
        })
public final class AnomalyOpsCli implements Runnable {
    /** Exit code for failed commands. */
    public static final int FAILED = 1;
    /** Exit code for invalid input data or models. */
    public static final int BAD_INPUT = 3;
    /** Exit code for unknown models, versions or aliases. */
    public static final int NOT_FOUND = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command; see anomalyops --help");
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs one command line, for the launcher script and for tests.
     *
     * @param args command-line arguments
     * @param out receives results
     * @param err receives progress and the failure line
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new AnomalyOpsCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            err.println("anomalyops: " + ex.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            err.println("anomalyops: " + oneLine(ex));
            err.flush();
            return exitCode(ex);
        });
        return commandLine.execute(args);
    }

    private static int exitCode(Exception e) {
        if (e instanceof NotFoundException) {
            return NOT_FOUND;
        }
        if (e instanceof InputException || e instanceof ModelException || e instanceof IllegalArgumentException) {
            return BAD_INPUT;
        }
        return FAILED;
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        } else if (!(e instanceof AnomalyOpsException) && !(e instanceof IllegalArgumentException)) {
            message = e.getClass().getSimpleName() + ": " + message;
        }
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = AnomalyOpsCli.class.getPackage().getImplementationVersion();
            return new String[] {"anomalyops " + (version != null ? version : "development build")};
        }
    }
}
