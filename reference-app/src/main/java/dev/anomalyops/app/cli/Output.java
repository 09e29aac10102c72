package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code --json} switch every command mixes in, and how results are printed: human-readable text by
 * default, one JSON document on stdout with {@code --json}.
 */
public final class Output {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    @CommandLine.Option(names = "--json", description = "Print the result as one JSON document on stdout.")
    boolean json;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    /** @return whether the user asked for JSON */
    public boolean json() {
        return json;
    }

    /** @return a fresh JSON object to fill */
    public ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** @return the shared mapper */
    public static ObjectMapper mapper() {
        return JSON;
    }

    /**
     * Prints a result: the JSON document with {@code --json}, the text otherwise.
     *
     * @param document the machine-readable result
     * @param text the human-readable result
     */
    public void print(ObjectNode document, String text) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(JSON.writeValueAsString(document));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.println(text);
        }
        out.flush();
    }

    /**
     * Prints progress to stderr (never stdout, so {@code --json} output stays parseable).
     *
     * @param message a line for humans
     */
    public void progress(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(message);
        err.flush();
    }
}
