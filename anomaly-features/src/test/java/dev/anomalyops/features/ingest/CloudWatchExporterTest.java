package dev.anomalyops.features.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.core.testing.SharedData;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.FillPolicy;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.MetricSource;
import dev.anomalyops.features.metrics.MetricSpec;
import dev.anomalyops.features.parquet.ParquetMetrics;
import dev.anomalyops.features.parquet.ParquetTableReader;
import dev.anomalyops.features.parquet.RowGroup;
import dev.anomalyops.features.parquet.Storage;
import dev.anomalyops.registry.s3.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The exporter through the real AWS SDK against {@link CloudWatchEndpoint} (an in-process endpoint speaking the
 * CloudWatch Logs JSON and CloudWatch RPC-v2-CBOR protocols, with small pages and injected throttling), writing to a
 * local folder and to S3 (s3proxy on loopback). Data: the HDFS 2k log sample (loghub) as log events, and NAB's real
 * CloudWatch metric series.
 */
class CloudWatchExporterTest {
    private static final String GROUP = "/hdfs/datanode";
    private static S3ProxyServer s3server;

    @TempDir
    Path dir;
    private CloudWatchEndpoint cloudwatch;
    private CloudWatchExporter.Clients clients;
    private final List<Long> sleeps = new ArrayList<>();

    @BeforeAll
    static void startS3() throws Exception {
        s3server = S3ProxyServer.start(null);
        s3server.createBucket("lake");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3server.close();
    }

    @BeforeEach
    void start() throws Exception {
        cloudwatch = new CloudWatchEndpoint();
        clients = CloudWatchExporter.clients(cloudwatch.endpoint(), Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test-secret")));
    }

    @org.junit.jupiter.api.AfterEach
    void stop() {
        clients.close();
        cloudwatch.close();
    }

    private Backoff backoff() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 4, sleeps::add, 1);
    }

    private List<CloudWatchEndpoint.Event> loadHdfsLogs() throws Exception {
        Path log = SharedData.require("loghub/HDFS/HDFS_2k.log");
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyMMdd HHmmss");
        List<CloudWatchEndpoint.Event> events = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] p = line.strip().split(" ", 6);
            long ts = LocalDateTime.parse(p[0] + " " + p[1], f).toInstant(ZoneOffset.UTC).toEpochMilli();
            String stream = p[4].replace(":", "");
            events.add(new CloudWatchEndpoint.Event(stream, ts, ts + 1500, line.strip()));
        }
        cloudwatch.logGroups.put(GROUP, events);
        return events;
    }

    private static List<String> readLogs(Storage storage, Path tmp) {
        List<String> rows = new ArrayList<>();
        for (String key : storage.list("logs/")) {
            storage.get(key, tmp);
            try (ParquetTableReader r = ParquetTableReader.open(tmp)) {
                RowGroup g;
                while ((g = r.next()) != null) {
                    for (int i = 0; i < g.rows(); i++) {
                        rows.add(g.strings("log_stream")[i] + "|" + g.longs("timestamp")[i] + "|" + g.strings("message")[i]);
                    }
                }
            }
        }
        rows.sort(null);
        return rows;
    }

    private static List<String> expected(List<CloudWatchEndpoint.Event> events) {
        List<String> rows = new ArrayList<>();
        events.forEach(e -> rows.add(e.stream() + "|" + e.timestamp() + "|" + e.message()));
        rows.sort(null);
        return rows;
    }

    @Test
    void filterLogEventsFollowsTokensThroughThrottlingAndReRunsAreIdempotent() throws Exception {
        List<CloudWatchEndpoint.Event> events = loadHdfsLogs();
        cloudwatch.throttleEvery = 4;
        Storage storage = Storage.local(dir.resolve("lake"));
        CloudWatchExporter exporter = CloudWatchExporter.builder(storage).logs(clients.logs()).backoff(backoff())
                .clock(InstantSource.fixed(Instant.parse("2008-11-12T00:00:00Z"))).build();
        Instant from = Instant.parse("2008-11-09T20:10:00Z");
        Instant to = Instant.parse("2008-11-11T11:00:00Z");
        ExportResult first = exporter.exportLogs(GROUP, from, to, false);

        assertThat(readLogs(storage, dir.resolve("x.parquet"))).containsExactlyElementsOf(expected(events));
        assertThat(first.rows()).isEqualTo(events.size());
        assertThat(first.retries()).isGreaterThan(5);
        assertThat(sleeps).isNotEmpty().allSatisfy(ms -> assertThat(ms).isBetween(0L, 5000L));
        assertThat(cloudwatch.tokensReceived).isNotEmpty();
        assertThat(first.files()).allSatisfy(k -> assertThat(k).matches(
                "logs/log_group=%2Fhdfs%2Fdatanode/dt=2008-11-(09|10|11)/hour=\\d\\d/part-filter\\.parquet"));

        // Same range again: every hour is checkpointed, nothing is fetched or duplicated.
        int before = cloudwatch.requestCount();
        ExportResult second = exporter.exportLogs(GROUP, from, to, false);
        assertThat(cloudwatch.requestCount()).isEqualTo(before);
        assertThat(second.skippedHours()).isEqualTo(39);
        // Forced: everything is fetched again and rewritten under the same keys, still no duplicate.
        CloudWatchExporter forced = CloudWatchExporter.builder(storage).logs(clients.logs()).backoff(backoff()).force(true)
                .clock(InstantSource.fixed(Instant.parse("2008-11-12T00:00:00Z"))).build();
        ExportResult third = forced.exportLogs(GROUP, from, to, false);
        assertThat(third.files()).isEqualTo(first.files());
        assertThat(readLogs(storage, dir.resolve("x.parquet"))).containsExactlyElementsOf(expected(events));
    }

    @Test
    void perStreamExportResumesFromItsCheckpointsAfterAnOutage() throws Exception {
        List<CloudWatchEndpoint.Event> events = loadHdfsLogs();
        Storage storage = Storage.s3(s3server.client(), "lake", "resume-" + System.nanoTime() + "/");
        CloudWatchExporter exporter = CloudWatchExporter.builder(storage).logs(clients.logs()).backoff(backoff())
                .clock(InstantSource.fixed(Instant.parse("2008-11-12T00:00:00Z"))).build();
        Instant from = Instant.parse("2008-11-09T20:00:00Z");
        Instant to = Instant.parse("2008-11-10T08:00:00Z");
        events = events.stream().filter(e -> e.timestamp() < to.toEpochMilli()).toList();
        cloudwatch.failAfter = 12;
        assertThatThrownBy(() -> exporter.exportLogs(GROUP, from, to, true)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("still failing after 4 attempts");
        List<String> partial = readLogs(storage, dir.resolve("y.parquet"));
        assertThat(partial).isNotEmpty().hasSizeLessThan(events.size());

        cloudwatch.failAfter = Integer.MAX_VALUE;
        ExportResult resumed = exporter.exportLogs(GROUP, from, to, true);
        assertThat(resumed.skippedHours()).isGreaterThan(0);
        assertThat(readLogs(storage, dir.resolve("y.parquet"))).containsExactlyElementsOf(expected(events));
        assertThat(storage.list("_checkpoints/")).isNotEmpty().allSatisfy(k -> assertThat(k).contains("/streams/"));
    }

    /** NAB realAWSCloudwatch series (real CloudWatch data) served as three metrics of five instances. */
    private Map<String, TreeMap<Long, Double>> loadNabMetrics(List<MetricQuery> queries) throws Exception {
        Map<String, String[]> files = new java.util.LinkedHashMap<>();
        files.put("ec2_cpu_utilization_825cc2", new String[] {"i-825cc2", "cpu", "CPUUtilization"});
        files.put("ec2_cpu_utilization_ac20cd", new String[] {"i-ac20cd", "cpu", "CPUUtilization"});
        files.put("ec2_cpu_utilization_c6585a", new String[] {"i-c6585a", "cpu", "CPUUtilization"});
        files.put("ec2_network_in_257a54", new String[] {"i-825cc2", "network_in", "NetworkIn"});
        files.put("ec2_disk_write_bytes_c0d644", new String[] {"i-c0d644", "disk_write", "DiskWriteBytes"});
        Map<String, TreeMap<Long, Double>> truth = new HashMap<>();
        for (Map.Entry<String, String[]> f : files.entrySet()) {
            String[] m = f.getValue();
            TreeMap<Long, Double> s = new TreeMap<>();
            List<String> lines = Files.readAllLines(SharedData.require("nab/realAWSCloudwatch/" + f.getKey() + ".csv"));
            for (String line : lines.subList(1, lines.size())) {
                String[] c = line.split(",");
                s.put(LocalDateTime.parse(c[0].replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli(), Double.parseDouble(c[1]));
            }
            Map<String, String> dims = Map.of("InstanceId", m[0]);
            cloudwatch.series.put(CloudWatchEndpoint.key("AWS/EC2", m[2], dims), s);
            queries.add(new MetricQuery(m[0], m[1], "AWS/EC2", m[2], dims, "Average", Duration.ofMinutes(5)));
            truth.put(m[0] + "|" + m[1], s);
        }
        return truth;
    }

    @Test
    void getMetricDataRoundTripsThroughS3AsWideRowsTheFeaturesRead() throws Exception {
        List<MetricQuery> queries = new ArrayList<>();
        Map<String, TreeMap<Long, Double>> truth = loadNabMetrics(queries);
        cloudwatch.throttleEvery = 3;
        cloudwatch.metricPage = 25;
        try (S3Client s3 = s3server.client()) {
            Storage storage = Storage.s3(s3, "lake", "cloudwatch/");
            CloudWatchExporter exporter = CloudWatchExporter.builder(storage).metrics(clients.metrics()).backoff(backoff())
                    .clock(InstantSource.fixed(Instant.parse("2014-04-12T00:00:00Z"))).build();
            Instant from = Instant.parse("2014-04-10T00:00:00Z");
            Instant to = Instant.parse("2014-04-11T00:00:00Z");
            ExportResult result = exporter.exportMetrics("ec2", queries, from, to);
            assertThat(result.files()).hasSize(24).allSatisfy(k -> assertThat(k).matches("metrics/ec2/dt=2014-04-10/hour=\\d\\d/part-ec2\\.parquet"));
            assertThat(result.retries()).isGreaterThan(0);
            assertThat(cloudwatch.tokensReceived).anySatisfy(t -> assertThat(t).startsWith("m/"));
            List<String> keys = storage.list("metrics/");
            assertThat(exporter.exportMetrics("ec2", queries, from, to).files()).isEmpty();
            CloudWatchExporter.builder(storage).metrics(clients.metrics()).backoff(backoff()).force(true)
                    .clock(InstantSource.fixed(Instant.parse("2014-04-12T00:00:00Z"))).build().exportMetrics("ec2", queries, from, to);
            assertThat(storage.list("metrics/")).isEqualTo(keys);

            // Read back from S3 with a spec whose disk metric is optional; compare with the source series.
            FeatureSpec spec = FeatureSpec.builder("ec2").metrics("cpu", "network_in")
                    .metric(new MetricSpec("disk_write", FillPolicy.NONE, false)).raw(true).build();
            List<Path> files = new ArrayList<>();
            for (String key : keys) {
                Path local = dir.resolve(key.replace('/', '_'));
                storage.get(key, local);
                files.add(local);
            }
            long values = 0;
            try (MetricSource source = ParquetMetrics.open(spec, files)) {
                MetricFrame f;
                while ((f = source.next()) != null) {
                    for (int r = 0; r < f.rows(); r++) {
                        for (int m = 0; m < 3; m++) {
                            TreeMap<Long, Double> s = truth.get(f.instance(r) + "|" + spec.metricNames().get(m));
                            Double expected = s == null ? null : s.get(f.timestamp(r));
                            if (expected == null) {
                                assertThat(f.value(r, m)).isNaN();
                            } else {
                                assertThat(f.value(r, m)).isEqualTo(expected);
                                values++;
                            }
                        }
                    }
                }
            }
            long expectedValues = truth.values().stream().mapToLong(s -> s.subMap(from.toEpochMilli(), to.toEpochMilli()).size()).sum();
            assertThat(values).isEqualTo(expectedValues).isGreaterThan(1000);

            // The hourly partitions feed the batch features directly (instances recur in every hour file).
            FeatureSpec withWindows = spec.toBuilder().window(dev.anomalyops.features.metrics.Window.ofSamples(12,
                    dev.anomalyops.features.metrics.Stat.MEAN)).lags(1).build();
            dev.anomalyops.features.metrics.FeatureFrame batch;
            try (MetricSource source = ParquetMetrics.open(withWindows, files)) {
                batch = new dev.anomalyops.features.metrics.FeatureFrame(withWindows.schema());
                dev.anomalyops.features.metrics.BatchFeatures.interleaved(withWindows).run(source, batch, (n, i, t, o) -> { });
            }
            dev.anomalyops.features.metrics.OnlineFeatures online = dev.anomalyops.features.metrics.OnlineFeatures
                    .builder(withWindows).clock(InstantSource.fixed(Instant.EPOCH)).build();
            try (MetricSource source = ParquetMetrics.open(withWindows, files)) {
                MetricFrame f;
                int r0 = 0;
                float[] row = new float[withWindows.schema().size()];
                while ((f = source.next()) != null) {
                    for (int r = 0; r < f.rows(); r++, r0++) {
                        online.update(f.instance(r), f.timestamp(r), new double[] {f.value(r, 0), f.value(r, 1), f.value(r, 2)}, row, 0);
                        for (int k = 0; k < row.length; k++) {
                            assertThat(Float.floatToRawIntBits(batch.value(r0, k))).isEqualTo(Float.floatToRawIntBits(row[k]));
                        }
                    }
                }
                assertThat(r0).isEqualTo(batch.rows());
            }
        }
    }

    @Test
    void persistentThrottlingBecomesRetriableAndBadRequestsFailAtOnce() throws Exception {
        loadHdfsLogs();
        cloudwatch.throttleEvery = 1;
        CloudWatchExporter exporter = CloudWatchExporter.builder(Storage.local(dir)).logs(clients.logs()).backoff(backoff())
                .clock(InstantSource.fixed(Instant.parse("2008-11-12T00:00:00Z"))).build();
        assertThatThrownBy(() -> exporter.exportLogs(GROUP, Instant.parse("2008-11-10T00:00:00Z"),
                Instant.parse("2008-11-10T01:00:00Z"), false))
                .isInstanceOf(RetriableException.class).hasMessageContaining("FilterLogEvents").hasMessageContaining("Rate exceeded");
        assertThat(cloudwatch.requestCount()).isEqualTo(4);
        assertThat(sleeps).hasSize(3);
        cloudwatch.throttleEvery = 0;
        int before = cloudwatch.requestCount();
        assertThatThrownBy(() -> exporter.exportLogs("/no/such/group", Instant.parse("2008-11-10T00:00:00Z"),
                Instant.parse("2008-11-10T01:00:00Z"), false)).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("log group does not exist");
        assertThat(cloudwatch.requestCount()).isEqualTo(before + 1);
    }

    @Test
    void serverErrorsAreRetriedThenSurfaceAsRetriable() throws Exception {
        List<MetricQuery> queries = new ArrayList<>();
        loadNabMetrics(queries);
        CloudWatchExporter exporter = CloudWatchExporter.builder(Storage.local(dir)).metrics(clients.metrics())
                .backoff(backoff()).clock(InstantSource.fixed(Instant.parse("2014-04-12T00:00:00Z"))).build();
        cloudwatch.failAfter = 0;
        // A 500 is transient: retried, then surfaced as retriable.
        assertThatThrownBy(() -> exporter.exportMetrics("ec2", queries, Instant.parse("2014-04-10T00:00:00Z"),
                Instant.parse("2014-04-10T01:00:00Z"))).isInstanceOf(RetriableException.class)
                .hasMessageContaining("GetMetricData").hasMessageContaining("Injected outage");
        assertThat(cloudwatch.requestCount()).isEqualTo(4);
    }
}
