package dev.anomalyops.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Dockerfile parsed into build stages of instructions (continuations joined, comments and blanks dropped). */
record Dockerfiles(Path file, Map<String, String> args, List<Stage> stages) {
    private static final Pattern FROM = Pattern.compile("(?i)(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

    /** One instruction: keyword (upper case) and its arguments. */
    record Instruction(int line, String keyword, String arguments) {}

    /** One stage: its base image (ARG defaults substituted), its name, its instructions. */
    record Stage(String image, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }
    }

    static Dockerfiles parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> args = new HashMap<>();
        List<Stage> stages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int start = 0;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (!current.isEmpty() && trimmed.startsWith("#")) {
                continue;
            }
            if (current.isEmpty()) {
                start = n + 1;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString();
            current.setLength(0);
            int space = text.indexOf(' ');
            String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            String arguments = space < 0 ? "" : text.substring(space + 1).strip();
            Instruction instruction = new Instruction(start, keyword, arguments);
            if (keyword.equals("FROM")) {
                Matcher m = FROM.matcher(arguments);
                if (!m.matches()) {
                    throw new IllegalArgumentException(file + ":" + start + ": cannot read FROM " + arguments);
                }
                stages.add(new Stage(substitute(m.group(1), args), m.group(2), new ArrayList<>()));
            } else if (keyword.equals("ARG") && stages.isEmpty()) {
                String[] kv = arguments.split("=", 2);
                args.put(kv[0], kv.length > 1 ? kv[1] : "");
            } else if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).instructions().add(instruction);
            } else if (!keyword.equals("ARG")) {
                throw new IllegalArgumentException(file + ":" + start + ": " + keyword + " before the first FROM");
            }
        }
        return new Dockerfiles(file, Map.copyOf(args), List.copyOf(stages));
    }

    static String substitute(String text, Map<String, String> args) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(args.getOrDefault(name, m.group())));
        }
        return m.appendTail(out).toString();
    }

    /** @return the stage of that name, or null */
    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst().orElse(null);
    }
}
