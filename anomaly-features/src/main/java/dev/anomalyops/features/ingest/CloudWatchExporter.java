package dev.anomalyops.features.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ParquetTableWriter;
import dev.anomalyops.features.parquet.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogStreamsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogStreamsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/**
 * Copies CloudWatch data into Parquet, one file per partition {@code dt=YYYY-MM-DD/hour=HH} (UTC):
 * <ul>
 *   <li>{@link #exportLogs} — log events through {@code FilterLogEvents} (a whole log group, one file per hour) or
 *       {@code GetLogEvents} (per stream, one file per stream and hour), following every pagination token, to
 *       {@code logs/log_group=<group>/dt=../hour=../part-<filter|stream-<stream>>.parquet} with columns
 *       {@code log_group, log_stream, timestamp, ingestion_time, event_id, message};</li>
 *   <li>{@link #exportMetrics} — {@code GetMetricData} (500 queries per call, paginated), pivoted to one row per
 *       instance and timestamp with one column per metric, to
 *       {@code metrics/<name>/dt=../hour=../part-<name>.parquet}, the layout {@code ParquetMetrics} reads.</li>
 * </ul>
 *
 * <p><b>Idempotent:</b> a partition's file name depends only on what is exported and the hour, and a run always
 * covers whole hours, so re-running over the same range rewrites the same files with the same rows and never
 * duplicates data. <b>Resumable:</b> after each hour that is complete ({@code settle} before now, CloudWatch's
 * ingestion delay) the exporter records a checkpoint per log group (filter mode), per log stream (stream mode) or
 * per metric export, under {@code _checkpoints/} in the same storage; a later run starts after it, so an
 * interrupted export continues where it stopped. The current hour is exported but not checkpointed, so the next
 * run completes it. {@code force(true)} ignores checkpoints. <b>Throttling:</b> calls go through {@link Backoff};
 * clients built by {@link #clients} have the SDK's own retries off so that the back-off is the only one.
 *
 * <pre>{@code
 * CloudWatchExporter exporter = CloudWatchExporter.builder(Storage.s3(s3, "lake", "cloudwatch/"))
 *         .logs(logsClient).metrics(metricsClient).build();
 * exporter.exportLogs("/aws/ec2/app", Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"), false);
 * exporter.exportMetrics("ec2", queries, from, to);
 * }</pre>
 *
 * Not thread-safe; run one export at a time per exporter.
 */
public final class CloudWatchExporter {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchExporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    /** GetMetricData accepts at most 500 queries per call. */
    static final int MAX_QUERIES = 500;
    private static final List<Column> LOG_COLUMNS = List.of(Column.string("log_group"), Column.string("log_stream"),
            Column.timestamp("timestamp"), new Column("ingestion_time", dev.anomalyops.features.parquet.ColumnType.TIMESTAMP, true),
            new Column("event_id", dev.anomalyops.features.parquet.ColumnType.STRING, true), Column.string("message"));

    private final Storage storage;
    private final @Nullable CloudWatchLogsClient logs;
    private final @Nullable CloudWatchClient metrics;
    private final InstantSource clock;
    private final Backoff backoff;
    private final Duration settle;
    private final boolean force;
    private final int pageLimit;
    /** Checkpoints read or written by this exporter (it is their only writer while it runs). */
    private final Map<String, Long> checkpoints = new HashMap<>();

    private CloudWatchExporter(Builder b) {
        this.storage = b.storage;
        this.logs = b.logs;
        this.metrics = b.metrics;
        this.clock = b.clock;
        this.backoff = b.backoff;
        this.settle = b.settle;
        this.force = b.force;
        this.pageLimit = b.pageLimit;
    }

    /** @param storage where Parquet files and checkpoints go @return a builder */
    public static Builder builder(Storage storage) {
        return new Builder(storage);
    }

    /**
     * Exports the events of one log group.
     *
     * @param logGroup the log group name
     * @param from start (rounded down to the hour)
     * @param to end (rounded up to the hour, and not after now)
     * @param perStream {@code true}: {@code GetLogEvents} per stream (streams from {@code DescribeLogStreams});
     *        {@code false}: {@code FilterLogEvents} over the group
     * @return what was written
     */
    public ExportResult exportLogs(String logGroup, Instant from, Instant to, boolean perStream) {
        CloudWatchLogsClient client = Objects.requireNonNull(logs, "This exporter has no CloudWatch Logs client");
        Counters c = new Counters();
        long start = floorHour(from.toEpochMilli());
        long end = Math.min(ceilHour(to.toEpochMilli()), ceilHour(clock.millis()));
        String dataset = "logs/log_group=" + encode(logGroup);
        if (perStream) {
            for (String stream : streams(client, logGroup, c)) {
                exportStream(client, logGroup, stream, dataset, start, end, c);
            }
        } else {
            String checkpoint = "_checkpoints/" + dataset + "/filter.json";
            long resume = force ? start : Math.max(start, completedUntil(checkpoint));
            c.skipped += (resume - start) / HOUR;
            for (long hour = resume; hour < end; hour += HOUR) {
                List<Object[]> rows = filterHour(client, logGroup, hour, c);
                rows.sort(Comparator.comparingLong((Object[] r) -> (Long) r[2]).thenComparing(r -> (String) r[1])
                        .thenComparing(r -> String.valueOf(r[4])));
                write(dataset + partition(hour) + "part-filter.parquet", LOG_COLUMNS, rows, c);
                if (complete(hour)) {
                    checkpoint(checkpoint, hour + HOUR);
                }
            }
        }
        LOG.info("Exported log group {} [{}, {}): {} rows in {} files, {} requests, {} retries", logGroup,
                Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), c.rows, c.files.size(), c.requests, c.runner.retries());
        return c.result();
    }

    private List<String> streams(CloudWatchLogsClient client, String logGroup, Counters c) {
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            DescribeLogStreamsResponse page = c.call("DescribeLogStreams of \"" + logGroup + "\"", () ->
                    client.describeLogStreams(DescribeLogStreamsRequest.builder().logGroupName(logGroup).nextToken(t).build()));
            page.logStreams().stream().map(LogStream::logStreamName).forEach(names::add);
            token = page.nextToken();
        } while (token != null);
        names.sort(null);
        return names;
    }

    private void exportStream(CloudWatchLogsClient client, String logGroup, String stream, String dataset, long start,
            long end, Counters c) {
        String checkpoint = "_checkpoints/" + dataset + "/streams/" + encode(stream) + ".json";
        long resume = force ? start : Math.max(start, completedUntil(checkpoint));
        c.skipped += Math.max(0, resume - start) / HOUR;
        if (resume >= end) {
            return;
        }
        String file = "part-stream-" + encode(stream) + ".parquet";
        c.streamEnd = end;
        List<Object[]> buffer = new ArrayList<>();
        long bufferHour = resume;
        String token = null;
        while (true) {
            String sent = token;
            GetLogEventsResponse page = c.call("GetLogEvents of \"" + logGroup + "\"/\"" + stream + "\"", () ->
                    client.getLogEvents(GetLogEventsRequest.builder().logGroupName(logGroup).logStreamName(stream)
                            .startTime(resume).endTime(end).startFromHead(true).nextToken(sent).limit(pageLimit).build()));
            for (OutputLogEvent e : page.events()) {
                long hour = floorHour(e.timestamp());
                if (hour < bufferHour || hour >= end) {
                    continue; // outside the window asked for; the service should not send it
                }
                while (hour > bufferHour) {
                    flushStreamHour(dataset, file, bufferHour, buffer, checkpoint, c);
                    bufferHour += HOUR;
                }
                buffer.add(new Object[] {logGroup, stream, e.timestamp(), e.ingestionTime(), null, e.message()});
            }
            token = page.nextForwardToken();
            if (token == null || token.equals(sent) || page.events().isEmpty()) {
                break;
            }
        }
        for (; bufferHour < end; bufferHour += HOUR) {
            flushStreamHour(dataset, file, bufferHour, buffer, checkpoint, c);
        }
    }

    private void flushStreamHour(String dataset, String file, long hour, List<Object[]> buffer, String checkpoint,
            Counters c) {
        // Empty hours only move the checkpoint at the end of the stream: fewer writes, and after a crash only a few
        // empty hours are fetched again.
        boolean last = hour + HOUR >= c.streamEnd;
        if (!buffer.isEmpty()) {
            write(dataset + partition(hour) + file, LOG_COLUMNS, buffer, c);
            buffer.clear();
            last = true;
        }
        if (last && complete(hour)) {
            checkpoint(checkpoint, hour + HOUR);
        }
    }

    private List<Object[]> filterHour(CloudWatchLogsClient client, String logGroup, long hour, Counters c) {
        List<Object[]> rows = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            FilterLogEventsResponse page = c.call("FilterLogEvents of \"" + logGroup + "\"", () ->
                    client.filterLogEvents(FilterLogEventsRequest.builder().logGroupName(logGroup)
                            // endTime is inclusive for FilterLogEvents.
                            .startTime(hour).endTime(hour + HOUR - 1).nextToken(t).limit(pageLimit).build()));
            for (FilteredLogEvent e : page.events()) {
                rows.add(new Object[] {logGroup, e.logStreamName(), e.timestamp(), e.ingestionTime(), e.eventId(), e.message()});
            }
            token = page.nextToken();
        } while (token != null);
        return rows;
    }

    /**
     * Exports metrics, pivoted to one row per instance and timestamp.
     *
     * @param name the export's name (part of keys and of the checkpoint), e.g. {@code ec2}
     * @param queries the metrics to fetch; their {@code column}s become the metric columns
     * @param from start (rounded down to the hour)
     * @param to end (rounded up to the hour, and not after now)
     * @return what was written
     */
    public ExportResult exportMetrics(String name, List<MetricQuery> queries, Instant from, Instant to) {
        CloudWatchClient client = Objects.requireNonNull(metrics, "This exporter has no CloudWatch client");
        if (queries.isEmpty()) {
            throw new ConfigurationException("Metric export \"" + name + "\" has no queries");
        }
        Counters c = new Counters();
        List<String> columns = new ArrayList<>();
        for (MetricQuery q : queries) {
            if (!columns.contains(q.column())) {
                columns.add(q.column());
            }
        }
        List<Column> fileColumns = new ArrayList<>(List.of(Column.string("instance"), Column.timestamp("timestamp")));
        columns.forEach(col -> fileColumns.add(Column.float64(col)));
        String dataset = "metrics/" + encode(name);
        String checkpoint = "_checkpoints/" + dataset + ".json";
        long start = floorHour(from.toEpochMilli());
        long end = Math.min(ceilHour(to.toEpochMilli()), ceilHour(clock.millis()));
        long resume = force ? start : Math.max(start, completedUntil(checkpoint));
        c.skipped += Math.max(0, resume - start) / HOUR;
        for (long hour = resume; hour < end; hour += HOUR) {
            // instance -> timestamp -> one value per column
            Map<String, TreeMap<Long, double[]>> pivot = new TreeMap<>();
            for (int first = 0; first < queries.size(); first += MAX_QUERIES) {
                List<MetricQuery> batch = queries.subList(first, Math.min(queries.size(), first + MAX_QUERIES));
                fetchMetrics(client, name, batch, first, hour, columns, pivot, c);
            }
            List<Object[]> rows = new ArrayList<>();
            pivot.forEach((instance, series) -> series.forEach((ts, values) -> {
                Object[] row = new Object[2 + values.length];
                row[0] = instance;
                row[1] = ts;
                for (int i = 0; i < values.length; i++) {
                    row[2 + i] = values[i];
                }
                rows.add(row);
            }));
            write(dataset + partition(hour) + "part-" + encode(name) + ".parquet", fileColumns, rows, c);
            if (complete(hour)) {
                checkpoint(checkpoint, hour + HOUR);
            }
        }
        LOG.info("Exported metrics {} [{}, {}): {} rows in {} files, {} requests, {} retries", name,
                Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), c.rows, c.files.size(), c.requests, c.runner.retries());
        return c.result();
    }

    private void fetchMetrics(CloudWatchClient client, String name, List<MetricQuery> batch, int firstIndex, long hour,
            List<String> columns, Map<String, TreeMap<Long, double[]>> pivot, Counters c) {
        List<MetricDataQuery> mq = new ArrayList<>();
        Map<String, MetricQuery> byId = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            MetricQuery q = batch.get(i);
            String id = "q" + (firstIndex + i);
            byId.put(id, q);
            List<Dimension> dims = new ArrayList<>();
            q.dimensions().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(d -> dims.add(Dimension.builder().name(d.getKey()).value(d.getValue()).build()));
            mq.add(MetricDataQuery.builder().id(id).returnData(true).metricStat(MetricStat.builder()
                    .metric(Metric.builder().namespace(q.namespace()).metricName(q.metricName()).dimensions(dims).build())
                    .period((int) q.period().getSeconds()).stat(q.stat()).build()).build());
        }
        String token = null;
        do {
            String t = token;
            GetMetricDataResponse page = c.call("GetMetricData \"" + name + "\"", () -> client.getMetricData(
                    GetMetricDataRequest.builder().metricDataQueries(mq).startTime(Instant.ofEpochMilli(hour))
                            .endTime(Instant.ofEpochMilli(hour + HOUR)).scanBy(ScanBy.TIMESTAMP_ASCENDING).nextToken(t).build()));
            for (MetricDataResult r : page.metricDataResults()) {
                MetricQuery q = byId.get(r.id());
                if (q == null) {
                    continue;
                }
                int col = columns.indexOf(q.column());
                TreeMap<Long, double[]> series = pivot.computeIfAbsent(q.instance(), k -> new TreeMap<>());
                List<Instant> times = r.timestamps();
                List<Double> values = r.values();
                for (int i = 0; i < Math.min(times.size(), values.size()); i++) {
                    long ts = times.get(i).toEpochMilli();
                    if (ts < hour || ts >= hour + HOUR) {
                        continue;
                    }
                    double[] row = series.computeIfAbsent(ts, k -> {
                        double[] v = new double[columns.size()];
                        java.util.Arrays.fill(v, Double.NaN);
                        return v;
                    });
                    row[col] = values.get(i);
                }
            }
            token = page.nextToken();
        } while (token != null);
    }

    private void write(String key, List<Column> columns, List<Object[]> rows, Counters c) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            Path tmp = Files.createTempFile("anomalyops-export", ".parquet");
            try {
                try (ParquetTableWriter w = ParquetTableWriter.create(tmp, columns, Map.of("anomalyops.source", "cloudwatch"))) {
                    for (Object[] row : rows) {
                        w.row(row);
                    }
                }
                storage.put(key, tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot write \"" + key + "\": " + e.getMessage(), e);
        }
        c.files.add(key);
        c.rows += rows.size();
    }

    private boolean complete(long hour) {
        return hour + HOUR <= clock.millis() - settle.toMillis();
    }

    private long completedUntil(String key) {
        Long known = checkpoints.get(key);
        if (known != null) {
            return known;
        }
        Optional<byte[]> bytes = storage.getBytes(key);
        if (bytes.isEmpty()) {
            return Long.MIN_VALUE;
        }
        try {
            long value = JSON.readTree(bytes.get()).path("completedUntil").asLong(Long.MIN_VALUE);
            checkpoints.put(key, value);
            return value;
        } catch (IOException e) {
            throw new StorageException("Checkpoint \"" + key + "\" in " + storage.describe() + " is not valid JSON", e);
        }
    }

    private void checkpoint(String key, long completedUntil) {
        if (completedUntil(key) >= completedUntil) {
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("completedUntil", completedUntil);
        doc.put("completedUntilIso", Instant.ofEpochMilli(completedUntil).toString());
        try {
            storage.putBytes(key, JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8));
            checkpoints.put(key, completedUntil);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String partition(long hour) {
        ZonedDateTime t = Instant.ofEpochMilli(hour).atZone(ZoneOffset.UTC);
        return String.format(java.util.Locale.ROOT, "/dt=%04d-%02d-%02d/hour=%02d/", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour());
    }

    /** Keeps letters, digits, {@code . _ -}; every other byte becomes {@code %XX}, so names stay one path segment. */
    static String encode(String name) {
        StringBuilder sb = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char ch = (char) (b & 0xff);
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_'
                    || ch == '-') {
                sb.append(ch);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static long floorHour(long ms) {
        return Math.floorDiv(ms, HOUR) * HOUR;
    }

    private static long ceilHour(long ms) {
        return -Math.floorDiv(-ms, HOUR) * HOUR;
    }

    /** Per-run counters and back-off. */
    private final class Counters {
        final Backoff.Runner runner = backoff.new Runner();
        final List<String> files = new ArrayList<>();
        long rows;
        long requests;
        long skipped;
        long streamEnd;

        <T> T call(String what, java.util.function.Supplier<T> call) {
            return runner.call(what, () -> {
                requests++;
                return call.get();
            });
        }

        ExportResult result() {
            return new ExportResult(files, rows, requests, runner.retries(), skipped);
        }
    }

    /**
     * Builds SDK clients for an endpoint with the SDK's own retries turned off (the exporter's {@link Backoff} is
     * the one retry layer). For AWS itself, build clients as usual (region, credentials) and pass them in.
     *
     * @param endpoint the service endpoint (e.g. a VPC endpoint, or a local test server)
     * @param region the signing region
     * @param credentials the credentials provider
     * @return the two clients (close them)
     */
    public static Clients clients(java.net.URI endpoint, software.amazon.awssdk.regions.Region region,
            software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
        software.amazon.awssdk.core.client.config.ClientOverrideConfiguration noRetry =
                software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.builder()
                        .retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()).build();
        return new Clients(CloudWatchLogsClient.builder().endpointOverride(endpoint).region(region)
                .credentialsProvider(credentials).overrideConfiguration(noRetry).build(),
                CloudWatchClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials)
                        .overrideConfiguration(noRetry).build());
    }

    /**
     * A pair of clients.
     *
     * @param logs CloudWatch Logs
     * @param metrics CloudWatch
     */
    public record Clients(CloudWatchLogsClient logs, CloudWatchClient metrics) implements AutoCloseable {
        @Override
        public void close() {
            logs.close();
            metrics.close();
        }
    }

    /** Settings of an exporter. */
    public static final class Builder {
        private final Storage storage;
        private @Nullable CloudWatchLogsClient logs;
        private @Nullable CloudWatchClient metrics;
        private InstantSource clock = InstantSource.system();
        private Backoff backoff = Backoff.defaults();
        private Duration settle = Duration.ofMinutes(10);
        private boolean force;
        private int pageLimit = 10_000;

        private Builder(Storage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
        }

        /** @param client the CloudWatch Logs client @return this builder */
        public Builder logs(CloudWatchLogsClient client) {
            this.logs = client;
            return this;
        }

        /** @param client the CloudWatch client @return this builder */
        public Builder metrics(CloudWatchClient client) {
            this.metrics = client;
            return this;
        }

        /** @param source the clock deciding which hours are complete @return this builder */
        public Builder clock(InstantSource source) {
            this.clock = Objects.requireNonNull(source, "clock");
            return this;
        }

        /** @param policy the back-off for throttling and transient errors @return this builder */
        public Builder backoff(Backoff policy) {
            this.backoff = Objects.requireNonNull(policy, "backoff");
            return this;
        }

        /** @param delay how long after an hour ends it counts as complete (ingestion delay) @return this builder */
        public Builder settle(Duration delay) {
            this.settle = Objects.requireNonNull(delay, "settle");
            return this;
        }

        /** @param ignoreCheckpoints re-export hours already marked complete @return this builder */
        public Builder force(boolean ignoreCheckpoints) {
            this.force = ignoreCheckpoints;
            return this;
        }

        /** @param limit events asked per log page (the service caps it at 10,000) @return this builder */
        public Builder pageLimit(int limit) {
            this.pageLimit = limit;
            return this;
        }

        /**
         * @return the exporter
         * @throws ConfigurationException listing every invalid setting
         */
        public CloudWatchExporter build() {
            List<String> problems = new ArrayList<>();
            if (logs == null && metrics == null) {
                problems.add("An exporter needs a CloudWatch Logs client, a CloudWatch client, or both");
            }
            if (settle.isNegative()) {
                problems.add("settle must not be negative but was " + settle);
            }
            if (pageLimit < 1 || pageLimit > 10_000) {
                problems.add("pageLimit must be 1 to 10000 but was " + pageLimit);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new CloudWatchExporter(this);
        }
    }

}
