package dev.anomalyops.features.logs;

import dev.anomalyops.core.testing.SharedData;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Loghub 2k development samples in {@code shared/data/loghub} with the Loghub benchmark's format strings,
 * and a reader for their structured ground truth. Tests are skipped when the data is absent.
 */
public final class LoghubSamples {
    /** System name and its format string (logpai/logparser benchmark settings). */
    public static final List<String[]> SYSTEMS = List.of(
            new String[] {"HDFS", "<Date> <Time> <Pid> <Level> <Component>: <Content>"},
            new String[] {"Hadoop", "<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>"},
            new String[] {"Spark", "<Date> <Time> <Level> <Component>: <Content>"},
            new String[] {"Zookeeper", "<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>"},
            new String[] {"BGL", "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>"},
            new String[] {"Linux", "<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>"},
            new String[] {"Apache", "\\[<Time>\\] \\[<Level>\\] <Content>"},
            new String[] {"OpenSSH", "<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>"});

    private LoghubSamples() {}

    /**
     * @param system a system name
     * @return its raw log
     */
    public static Path log(String system) {
        return SharedData.require("loghub/" + system + "/" + system + "_2k.log");
    }

    /**
     * @param system a system name
     * @return the rows of its original structured ground truth, header first
     * @throws IOException when it cannot be read
     */
    public static List<List<String>> structured(String system) throws IOException {
        Path file = SharedData.require("loghub/" + system + "/" + system + "_2k.log_structured.csv");
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return csv(in);
        }
    }

    /** RFC 4180: quoted fields, doubled quotes, CRLF. */
    static List<List<String>> csv(Reader in) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int c;
        while ((c = in.read()) >= 0) {
            char ch = (char) c;
            if (quoted) {
                if (ch == '"') {
                    in.mark(1);
                    int next = in.read();
                    if (next == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        if (next >= 0) {
                            in.reset();
                        }
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (ch == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else if (ch != '\r') {
                field.append(ch);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
