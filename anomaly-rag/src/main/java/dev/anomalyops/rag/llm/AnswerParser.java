package dev.anomalyops.rag.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.rag.Explanation;
import dev.anomalyops.rag.internal.IncidentJson;
import dev.anomalyops.rag.internal.Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the four sections out of a model's answer, whether it followed the JSON schema or wrote headed text.
 * JSON is looked for first (also inside a Markdown code fence or surrounded by prose); its keys are matched
 * loosely ({@code root_cause_analysis}, {@code rootCause}, "Root cause"); values may be strings or lists of
 * strings. Otherwise headings are looked for ({@code ## Root cause analysis}, {@code **Impact:**},
 * {@code 3. Recommended actions}). All four sections must be present and non-empty.
 */
final class AnswerParser {
    private static final Pattern FENCE = Pattern.compile("```(?:json)?\\s*(\\{.*?})\\s*```", Pattern.DOTALL);
    private static final Pattern HEADING = Pattern.compile(
            "^\\s*(?:#{1,6}\\s*)?(?:\\d+[.)]\\s*)?(?:\\*\\*|__)?\\s*"
                    + "(root[\\s_-]*causes?(?:[\\s_-]*analysis)?|impact(?:[\\s_-]*assessment)?|recommended[\\s_-]*actions?"
                    + "|recommendations?|prevention(?:[\\s_-]*steps)?)"
                    + "\\s*(?:\\*\\*|__)?\\s*:?\\s*(?:\\*\\*|__)?\\s*(.*)$",
            Pattern.CASE_INSENSITIVE);

    private AnswerParser() {}

    /** The four sections, in {@link Explanation#SECTIONS} order. */
    static List<String> parse(String answer) {
        if (answer.isBlank()) {
            throw new MalformedAnswerException("The language model's answer is empty");
        }
        JsonNode json = findJson(answer);
        if (json != null) {
            return fromJson(json);
        }
        return fromHeadings(answer);
    }

    private static JsonNode findJson(String answer) {
        List<String> candidates = new ArrayList<>();
        Matcher fence = FENCE.matcher(answer);
        if (fence.find()) {
            candidates.add(fence.group(1));
        }
        int open = answer.indexOf('{');
        int close = answer.lastIndexOf('}');
        if (open >= 0 && close > open) {
            candidates.add(answer.substring(open, close + 1));
        }
        for (String c : candidates) {
            try {
                JsonNode node = IncidentJson.read(c);
                if (node.isObject()) {
                    return node;
                }
            } catch (IOException ignored) {
                // not JSON; try the next candidate or headings
            }
        }
        return null;
    }

    private static String section(String key) {
        String k = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        if (k.startsWith("rootcause")) {
            return "root_cause_analysis";
        }
        if (k.startsWith("impact")) {
            return "impact_assessment";
        }
        if (k.startsWith("recommend") || k.equals("actions") || k.equals("nextsteps")) {
            return "recommended_actions";
        }
        if (k.startsWith("prevent")) {
            return "prevention_steps";
        }
        return null;
    }

    private static List<String> fromJson(JsonNode json) {
        Map<String, String> found = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String name = section(e.getKey());
            if (name != null) {
                found.putIfAbsent(name, text(e.getValue()));
            }
        }
        return complete(found, "JSON answer");
    }

    private static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.asText().strip();
        }
        if (value.isArray()) {
            StringBuilder s = new StringBuilder();
            value.forEach(item -> s.append("- ").append(item.isTextual() ? item.asText().strip() : item.toString()).append('\n'));
            return s.toString().strip();
        }
        return value.isNull() ? "" : value.toString();
    }

    private static List<String> fromHeadings(String answer) {
        Map<String, StringBuilder> found = new LinkedHashMap<>();
        StringBuilder current = null;
        for (String line : answer.split("\\R")) {
            Matcher m = HEADING.matcher(line);
            String name = m.matches() ? section(m.group(1)) : null;
            if (name != null && (line.strip().startsWith("#") || line.contains("**") || line.contains(":")
                    || line.strip().matches("(?i)^(\\d+[.)]\\s*)?" + Pattern.quote(m.group(1)) + "\\s*$"))) {
                current = found.computeIfAbsent(name, k -> new StringBuilder());
                if (!m.group(2).isBlank()) {
                    current.append(m.group(2).strip()).append('\n');
                }
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        Map<String, String> texts = new LinkedHashMap<>();
        found.forEach((k, v) -> texts.put(k, v.toString().strip()));
        return complete(texts, "answer");
    }

    private static List<String> complete(Map<String, String> found, String what) {
        List<String> missing = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (String name : Explanation.SECTIONS) {
            String text = found.get(name);
            if (text == null || text.isBlank()) {
                missing.add(name);
            }
            out.add(text == null ? "" : text);
        }
        if (!missing.isEmpty()) {
            throw new MalformedAnswerException("The language model's " + what + " lacks the section(s) " + missing
                    + "; it began: \"" + Text.abbreviate(String.join(" ", found.values()).isEmpty() ? "(nothing usable)"
                            : String.join(" ", found.values()), 120) + "\"");
        }
        return out;
    }
}
