package dev.anomalyops.rag;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.rag.internal.Csv;
import dev.anomalyops.rag.internal.IncidentJson;
import dev.anomalyops.rag.internal.Text;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Loads past incidents from JSON Lines or CSV files into an {@link IncidentStore}: parse, drop rows
 * repeated in the file (same content hash), skip incidents the store already holds, embed the rest in
 * batches, store them. Rows that cannot be used are not dropped silently: each is returned in
 * {@link Report#rejected()} with its line number and reason.
 *
 * <p>Fields (names are matched ignoring case, spaces, dashes and underscores; synonyms in brackets):
 * {@code message} [summary, description, text, log] required; {@code occurred_at} [timestamp, time,
 * created_at, started_at, start] required; {@code id} [incident_id, key, ticket]; {@code service}
 * [component, app, application]; {@code severity} [priority, level]; {@code root_cause} [cause];
 * {@code resolution} [fix, remediation, resolution_notes]; {@code resolved_at} [resolved, closed_at,
 * ended_at, end]. Times are ISO-8601 instants or offset date-times, {@code yyyy-MM-dd HH:mm:ss} (read as
 * UTC), or epoch seconds or milliseconds. A CSV file needs a header row.
 */
public final class IncidentIngest {
    private static final Map<String, String> FIELDS = new HashMap<>();

    static {
        alias("id", "id", "incidentid", "key", "ticket");
        alias("message", "message", "summary", "description", "text", "log");
        alias("service", "service", "component", "app", "application");
        alias("severity", "severity", "priority", "level");
        alias("root_cause", "rootcause", "cause");
        alias("resolution", "resolution", "fix", "remediation", "resolutionnotes");
        alias("occurred_at", "occurredat", "timestamp", "time", "createdat", "startedat", "start");
        alias("resolved_at", "resolvedat", "resolved", "closedat", "endedat", "end");
    }

    private IncidentIngest() {}

    private static void alias(String field, String... names) {
        for (String n : names) {
            FIELDS.put(n, field);
        }
    }

    /**
     * A row that could not be used.
     *
     * @param line the 1-based line it starts on
     * @param reason why it was rejected
     */
    public record Rejected(int line, String reason) {}

    /**
     * The parsed content of an incident file.
     *
     * @param incidents the usable incidents, in file order, repeats removed
     * @param repeated rows that repeated an earlier row's content hash
     * @param rejected rows that could not be used, with reasons
     */
    public record Parsed(List<Incident> incidents, int repeated, List<Rejected> rejected) {
        /** Copies the lists. */
        public Parsed {
            incidents = List.copyOf(incidents);
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * What an ingestion did.
     *
     * @param rows data rows read
     * @param added incidents stored for the first time
     * @param duplicates incidents already stored or repeated in the file
     * @param rejected rows that could not be used, with reasons
     */
    public record Report(int rows, int added, int duplicates, List<Rejected> rejected) {
        /** Copies the list. */
        public Report {
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * Reads incidents from a file: {@code .csv} as CSV, anything else ({@code .jsonl}, {@code .ndjson}) as
     * one JSON object per line.
     *
     * @param file the file
     * @return the incidents and the rejected rows
     * @throws StorageException when the file cannot be read
     */
    public static Parsed read(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
            return csv ? readCsv(reader) : readJsonLines(reader);
        } catch (IOException e) {
            throw new StorageException("Cannot read incident file \"" + file + "\": " + e.getMessage(), e);
        }
    }

    private static Parsed readJsonLines(BufferedReader reader) throws IOException {
        Collector collector = new Collector();
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            collector.rows++;
            JsonNode node;
            try {
                node = IncidentJson.read(line);
            } catch (IOException e) {
                collector.reject(number, "not valid JSON: " + firstLine(e.getMessage()));
                continue;
            }
            if (!node.isObject()) {
                collector.reject(number, "expected a JSON object but found " + node.getNodeType().name().toLowerCase(Locale.ROOT));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                String field = FIELDS.get(normalize(e.getKey()));
                if (field != null && !e.getValue().isNull()) {
                    values.put(field, e.getValue().isNumber() ? e.getValue().asText() : e.getValue().asText());
                }
            });
            collector.add(number, values);
        }
        return collector.parsed();
    }

    private static Parsed readCsv(BufferedReader reader) throws IOException {
        Collector collector = new Collector();
        Csv csv = new Csv(reader);
        Csv.Row header;
        try {
            header = csv.next();
        } catch (IllegalArgumentException e) {
            collector.reject(1, e.getMessage());
            return collector.parsed();
        }
        if (header == null) {
            return collector.parsed();
        }
        List<String> columns = new ArrayList<>();
        for (String h : header.fields()) {
            String name = h.startsWith("\ufeff") ? h.substring(1) : h;
            columns.add(FIELDS.get(normalize(name)));
        }
        if (!columns.contains("message") || !columns.contains("occurred_at")) {
            collector.reject(1, "the CSV header " + header.fields() + " lacks a message column or an occurred_at"
                    + " column (or a synonym such as summary or timestamp)");
            return collector.parsed();
        }
        while (true) {
            Csv.Row row;
            try {
                row = csv.next();
            } catch (IllegalArgumentException e) {
                collector.rows++;
                collector.reject(header.line() + 1, e.getMessage());
                break;
            }
            if (row == null) {
                break;
            }
            if (row.fields().size() == 1 && row.fields().get(0).isBlank()) {
                continue;
            }
            collector.rows++;
            if (row.fields().size() != columns.size()) {
                collector.reject(row.line(), "expected " + columns.size() + " fields as in the header but found "
                        + row.fields().size());
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i) != null) {
                    values.put(columns.get(i), row.fields().get(i));
                }
            }
            collector.add(row.line(), values);
        }
        return collector.parsed();
    }

    private static final class Collector {
        final List<Incident> incidents = new ArrayList<>();
        final List<Rejected> rejected = new ArrayList<>();
        final java.util.Set<String> hashes = new java.util.HashSet<>();
        int repeated;
        int rows;

        void reject(int line, String reason) {
            rejected.add(new Rejected(line, reason));
        }

        void add(int line, Map<String, String> values) {
            String message = values.get("message");
            if (message == null || message.isBlank()) {
                reject(line, "the message is missing or empty");
                return;
            }
            String occurred = values.get("occurred_at");
            if (occurred == null || occurred.isBlank()) {
                reject(line, "occurred_at is missing or empty");
                return;
            }
            try {
                Incident incident = new Incident(values.getOrDefault("id", ""), message, values.get("service"),
                        values.getOrDefault("severity", ""), values.get("root_cause"), values.get("resolution"),
                        time(occurred, "occurred_at"), values.get("resolved_at") == null || values.get("resolved_at").isBlank()
                                ? null : time(values.get("resolved_at"), "resolved_at"));
                if (hashes.add(incident.contentHash())) {
                    incidents.add(incident);
                } else {
                    repeated++;
                }
            } catch (IllegalArgumentException e) {
                reject(line, e.getMessage());
            }
        }

        Parsed parsed() {
            return new Parsed(incidents, repeated, rejected);
        }
    }

    static Instant time(String text, String field) {
        String t = text.strip();
        try {
            if (t.matches("\\d{9,13}")) {
                long n = Long.parseLong(t);
                return n >= 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
            }
            if (t.endsWith("Z") || t.endsWith("z")) {
                return Instant.parse(t.toUpperCase(Locale.ROOT).replace(' ', 'T'));
            }
            if (t.matches(".*[+-]\\d{2}:?\\d{2}$") && t.length() > 10) {
                return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
            }
            return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(field + " \"" + Text.abbreviate(t, 60) + "\" is not an ISO-8601 time,"
                    + " \"yyyy-MM-dd HH:mm:ss\" (UTC) or epoch seconds/milliseconds");
        }
    }

    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static String firstLine(@Nullable String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /**
     * Stores incidents not yet in the store: skips those it holds, embeds the rest in batches, upserts them.
     *
     * @param incidents incidents to store
     * @param embedder embeds messages; its dimension must be the store's
     * @param store where to store
     * @param batchSize incidents per embedding call and upsert
     * @return how many were added and how many were already there
     */
    public static UpsertResult ingest(List<Incident> incidents, Embedder embedder, IncidentStore store, int batchSize) {
        Objects.requireNonNull(embedder, "embedder");
        if (embedder.dimension() != store.dimension()) {
            throw new IllegalArgumentException("Embedder \"" + embedder.name() + "\" makes vectors of " + embedder.dimension()
                    + " dimensions but the incident store holds " + store.dimension());
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        int added = 0;
        int duplicates = 0;
        for (int start = 0; start < incidents.size(); start += batchSize) {
            List<Incident> batch = incidents.subList(start, Math.min(incidents.size(), start + batchSize));
            Set<String> present = store.existing(batch.stream().map(Incident::contentHash).toList());
            List<Incident> fresh = batch.stream().filter(i -> !present.contains(i.contentHash())).toList();
            duplicates += batch.size() - fresh.size();
            if (fresh.isEmpty()) {
                continue;
            }
            List<float[]> vectors = embedder.embedAll(fresh.stream().map(Incident::message).toList());
            List<EmbeddedIncident> embedded = new ArrayList<>(fresh.size());
            for (int i = 0; i < fresh.size(); i++) {
                embedded.add(new EmbeddedIncident(fresh.get(i), vectors.get(i)));
            }
            UpsertResult result = store.upsert(embedded);
            added += result.added();
            duplicates += result.duplicates();
        }
        return new UpsertResult(added, duplicates);
    }

    /**
     * Reads a file and stores its incidents.
     *
     * @param file a JSON Lines or CSV file
     * @param embedder embeds messages
     * @param store where to store
     * @return rows read, incidents added, duplicates and rejected rows
     * @throws StorageException when the file cannot be read
     */
    public static Report ingest(Path file, Embedder embedder, IncidentStore store) {
        Parsed parsed = read(file);
        UpsertResult result = ingest(parsed.incidents(), embedder, store, 64);
        int rows = parsed.incidents().size() + parsed.repeated() + parsed.rejected().size();
        return new Report(rows, result.added(), result.duplicates() + parsed.repeated(), parsed.rejected());
    }
}
