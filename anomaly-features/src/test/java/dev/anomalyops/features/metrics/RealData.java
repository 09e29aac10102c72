package dev.anomalyops.features.metrics;

import dev.anomalyops.core.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Loads the shared public datasets as samples, and damages them the way real feeds are damaged: gaps (rows
 * removed), duplicate timestamps (a second value for the same instant) and out-of-order rows (neighbours swapped).
 */
final class RealData {
    /** One sample: instance, time, values. */
    record Sample(String instance, long timestamp, double[] values) {}

    private RealData() {}

    /** NAB realAWSCloudwatch: one instance per file, metric "value", timestamps read as UTC. */
    static List<List<Sample>> nab() throws IOException {
        Path dir = SharedData.require("nab/realAWSCloudwatch");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        List<List<Sample>> instances = new ArrayList<>();
        for (Path file : files) {
            String instance = file.getFileName().toString().replace(".csv", "");
            List<Sample> samples = new ArrayList<>();
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",");
                long ts = LocalDateTime.parse(cells[0].replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
                samples.add(new Sample(instance, ts, new double[] {Double.parseDouble(cells[1])}));
            }
            instances.add(samples);
        }
        return instances;
    }

    /**
     * SMD: the files have no timestamps, so row i of a machine is given the time 2019-01-01T00:00Z plus i minutes
     * (SMD is sampled once a minute).
     */
    static List<Sample> smd(String machine, int metrics) throws IOException {
        Path file = SharedData.require("smd/train/" + machine + ".txt.gz");
        long start = LocalDateTime.parse("2019-01-01T00:00:00").toInstant(ZoneOffset.UTC).toEpochMilli();
        List<Sample> samples = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.US_ASCII))) {
            String line;
            long i = 0;
            while ((line = r.readLine()) != null) {
                String[] cells = line.split(",");
                double[] v = new double[metrics];
                for (int m = 0; m < metrics; m++) {
                    v[m] = Double.parseDouble(cells[m]);
                }
                samples.add(new Sample(machine, start + 60_000L * i++, v));
            }
        }
        return samples;
    }

    /**
     * Damages a series: removes runs of rows (gaps of 1 to 90 steps), inserts duplicates of a timestamp with other
     * values, swaps neighbours (out of order), and blanks some values (NaN). Deterministic for a seed.
     */
    static List<Sample> damage(List<Sample> clean, long seed) {
        Random random = new Random(seed);
        List<Sample> out = new ArrayList<>(clean.size());
        for (int i = 0; i < clean.size(); i++) {
            Sample s = clean.get(i);
            double dice = random.nextDouble();
            if (dice < 0.004) {
                i += random.nextInt(90); // a gap: this row and up to 89 more are missing
                continue;
            }
            double[] v = s.values().clone();
            if (random.nextDouble() < 0.01) {
                v[random.nextInt(v.length)] = Double.NaN;
            }
            out.add(new Sample(s.instance(), s.timestamp(), v));
            if (dice > 0.995) {
                double[] other = v.clone();
                other[0] = other[0] * 1.5 + 1;
                out.add(new Sample(s.instance(), s.timestamp(), other)); // duplicate timestamp
            }
        }
        for (int i = 1; i < out.size(); i++) {
            if (random.nextDouble() < 0.003) {
                Sample a = out.get(i - 1);
                out.set(i - 1, out.get(i));
                out.set(i, a); // out of order
            }
        }
        return out;
    }

    /** Interleaves per-instance series by timestamp (ties by instance order), as samples reach a service. */
    static List<Sample> interleave(List<List<Sample>> instances) {
        List<Sample> all = new ArrayList<>();
        int[] next = new int[instances.size()];
        while (true) {
            int best = -1;
            for (int i = 0; i < instances.size(); i++) {
                if (next[i] < instances.get(i).size() && (best < 0
                        || instances.get(i).get(next[i]).timestamp() < instances.get(best).get(next[best]).timestamp())) {
                    best = i;
                }
            }
            if (best < 0) {
                return all;
            }
            all.add(instances.get(best).get(next[best]++));
        }
    }

    static MetricFrame frame(List<String> metrics, List<List<Sample>> instances) {
        MetricFrame frame = new MetricFrame(metrics, 1024);
        for (List<Sample> series : instances) {
            for (Sample s : series) {
                frame.add(s.instance(), s.timestamp(), s.values());
            }
        }
        return frame;
    }
}
