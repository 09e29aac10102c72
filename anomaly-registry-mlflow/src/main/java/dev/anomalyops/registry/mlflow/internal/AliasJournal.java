package dev.anomalyops.registry.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.registry.AliasState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alias journal: the history of every alias of a model, kept as parameters of one MLflow run.
 *
 * <p>MLflow has no compare-and-swap for aliases or tags (both are last-writer-wins), but run parameters are
 * write-once: logging a key that already holds a different value fails with {@code INVALID_PARAMETER_VALUE}
 * (and the SQL store's primary key on {@code (run_uuid, key)} makes that hold under concurrent writers).
 * An alias move therefore claims the next sequence number by logging
 * {@code anomalyops.alias.<alias>.<seq>} = the new state; of several writers racing for one number exactly
 * one wins, the others read again and retry on top of the winner. Each entry carries the whole state
 * (target, earlier targets, time) and a random writer id, so that a writer can tell its own claim from an
 * equal-looking one and readers need only the newest entry.
 */
public final class AliasJournal {
    /** Prefix of every journal parameter key. */
    public static final String PREFIX = "anomalyops.alias.";

    private static final Logger LOG = LoggerFactory.getLogger(AliasJournal.class);

    private AliasJournal() {}

    /**
     * One journal entry.
     *
     * @param seq its sequence number, from 1
     * @param state the alias state it sets, or null when the entry deletes the alias
     * @param writer the random id of the writer that claimed it
     */
    public record Entry(long seq, @Nullable AliasState state, String writer) {
        /** Checks the fields. */
        public Entry {
            Objects.requireNonNull(writer, "writer");
            if (seq < 1) {
                throw new IllegalArgumentException("seq must be >= 1 but was " + seq);
            }
        }

        /**
         * @param other another entry, or null
         * @return whether both are the same claim (same number, same writer)
         */
        public boolean sameClaim(@Nullable Entry other) {
            return other != null && other.seq == seq && other.writer.equals(writer);
        }
    }

    /**
     * What the journal says about one alias.
     *
     * @param highestSeq the highest sequence number taken, readable or not (the next claim goes above it)
     * @param latest the newest readable entry, or null when there is none
     */
    public record Head(long highestSeq, @Nullable Entry latest) {
        /** @return the alias's current state, or null when it is unset or deleted */
        public @Nullable AliasState state() {
            return latest == null ? null : latest.state();
        }
    }

    /**
     * @param alias an alias
     * @param seq a sequence number
     * @return the parameter key of that entry
     */
    public static String key(String alias, long seq) {
        return PREFIX + alias + "." + String.format("%010d", seq);
    }

    /**
     * @param state the new state, or null to delete the alias
     * @param deletedAt when the alias is deleted (used only when {@code state} is null)
     * @param writer the claiming writer's id
     * @return the parameter value, at most {@link MlflowText#MAX_PARAM_VALUE_LENGTH} characters (the oldest
     *     earlier targets are dropped when a very long history would not fit)
     */
    public static String encode(@Nullable AliasState state, Instant deletedAt, String writer) {
        String value = encodeWhole(state, deletedAt, writer);
        // Stay within the shortest parameter value servers accept by dropping the oldest targets first.
        while (state != null && value.length() > MlflowText.MAX_PARAM_VALUE_LENGTH && !state.history().isEmpty()) {
            state = new AliasState(state.version(), state.history().subList(0, state.history().size() - 1),
                    state.updatedAt());
            value = encodeWhole(state, deletedAt, writer);
        }
        return value;
    }

    private static String encodeWhole(@Nullable AliasState state, Instant deletedAt, String writer) {
        ObjectNode node = MlflowHttp.object();
        if (state == null) {
            node.put("deleted", true);
            node.put("updatedAt", deletedAt.toString());
        } else {
            node.put("version", state.version());
            ArrayNode history = node.putArray("history");
            state.history().forEach(history::add);
            node.put("updatedAt", state.updatedAt().toString());
        }
        node.put("writer", writer);
        return node.toString();
    }

    /**
     * Reads every alias's head from a run's parameters ({@code run.data.params} of {@code runs/get}).
     * Entries that cannot be read (edited by hand) are skipped with a warning but still count as taken.
     *
     * @param params the parameter array
     * @param where the run, for warnings
     * @return heads by alias
     */
    public static Map<String, Head> read(JsonNode params, String where) {
        Map<String, Long> highest = new TreeMap<>();
        Map<String, Entry> latest = new TreeMap<>();
        for (JsonNode param : params) {
            String key = param.path("key").asText("");
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            int dot = key.lastIndexOf('.');
            String alias = key.substring(PREFIX.length(), Math.max(PREFIX.length(), dot));
            String digits = key.substring(dot + 1);
            if (alias.isEmpty() || !digits.matches("[0-9]{1,18}") || Long.parseLong(digits) < 1) {
                LOG.warn("Ignoring alias journal parameter \"{}\" of {}: not of the form {}<alias>.<number>", key,
                        where, PREFIX);
                continue;
            }
            long seq = Long.parseLong(digits);
            highest.merge(alias, seq, Math::max);
            Entry entry = decode(seq, param.path("value").asText(""));
            if (entry == null) {
                LOG.warn("Ignoring alias journal entry \"{}\" of {}: its value is not a journal entry", key, where);
                continue;
            }
            Entry previous = latest.get(alias);
            if (previous == null || previous.seq() < seq) {
                latest.put(alias, entry);
            }
        }
        Map<String, Head> heads = new TreeMap<>();
        highest.forEach((alias, seq) -> heads.put(alias, new Head(seq, latest.get(alias))));
        return heads;
    }

    /**
     * @param params the parameter array of the journal run
     * @param alias an alias
     * @param seq a sequence number
     * @return the entry holding that number: empty when nobody holds it; an empty entry inside when the key
     *     is taken by a value that is not a journal entry
     */
    public static Optional<Optional<Entry>> find(JsonNode params, String alias, long seq) {
        String key = key(alias, seq);
        for (JsonNode param : params) {
            if (key.equals(param.path("key").asText(""))) {
                return Optional.of(Optional.ofNullable(decode(seq, param.path("value").asText(""))));
            }
        }
        return Optional.empty();
    }

    /**
     * @param params the parameter array of the journal run
     * @param alias an alias
     * @param writer a writer id
     * @param fromSeq the first sequence number to look at
     * @return the entry at or above {@code fromSeq} that this writer claimed, if any
     */
    public static Optional<Entry> findWriter(JsonNode params, String alias, String writer, long fromSeq) {
        String prefix = PREFIX + alias + ".";
        for (JsonNode param : params) {
            String key = param.path("key").asText("");
            String digits = key.startsWith(prefix) ? key.substring(prefix.length()) : "";
            if (digits.matches("[0-9]{1,18}") && Long.parseLong(digits) >= fromSeq) {
                Entry entry = decode(Long.parseLong(digits), param.path("value").asText(""));
                if (entry != null && entry.writer().equals(writer)) {
                    return Optional.of(entry);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @param params the parameter array of the journal run
     * @param alias an alias
     * @param seq a sequence number
     * @return the state the entry before {@code seq} set, or null when there is none (or it deleted the alias)
     */
    public static @Nullable AliasState stateBefore(JsonNode params, String alias, long seq) {
        for (long previous = seq - 1; previous >= 1; previous--) {
            Optional<Optional<Entry>> entry = find(params, alias, previous);
            if (entry.isPresent() && entry.get().isPresent()) {
                return entry.get().get().state();
            }
        }
        return null;
    }

    private static @Nullable Entry decode(long seq, String value) {
        try {
            JsonNode node = MlflowHttp.mapper().readTree(value);
            String writer = node.path("writer").asText("");
            Instant updatedAt = Instant.parse(node.path("updatedAt").asText());
            if (writer.isEmpty()) {
                return null;
            }
            if (node.path("deleted").asBoolean(false)) {
                return new Entry(seq, null, writer);
            }
            if (!node.path("version").canConvertToInt() || node.path("version").asInt() < 1) {
                return null;
            }
            List<Integer> history = new ArrayList<>();
            for (JsonNode v : node.path("history")) {
                if (!v.canConvertToInt() || v.asInt() < 1) {
                    return null;
                }
                history.add(v.asInt());
            }
            return new Entry(seq, new AliasState(node.path("version").asInt(), history, updatedAt), writer);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
