package dev.anomalyops.spark;

import dev.anomalyops.core.testing.SharedData;
import dev.anomalyops.features.metrics.MetricFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Real samples from the Server Machine Dataset (SMD), damaged the way production data is: gaps, duplicate
 * timestamps and missing values. SMD files have no timestamps: row i of a machine is 2019-01-01T00:00Z plus i
 * minutes (SMD is sampled once a minute).
 */
final class SmdSamples {
    static final long START = 1_546_300_800_000L;

    final List<String> metrics;
    final List<String> instance = new ArrayList<>();
    final List<Long> timestamp = new ArrayList<>();
    final List<double[]> values = new ArrayList<>();

    private SmdSamples(List<String> metrics) {
        this.metrics = metrics;
    }

    /**
     * @param machines SMD machine names (files smd/train/NAME.txt.gz)
     * @param metricCount the first metrics of each row to keep
     * @param maxRows rows kept per machine
     * @param seed damage seed
     */
    static SmdSamples load(List<String> machines, int metricCount, int maxRows, long seed) throws IOException {
        List<String> names = new ArrayList<>();
        for (int m = 0; m < metricCount; m++) {
            names.add("m" + m);
        }
        SmdSamples s = new SmdSamples(names);
        Random random = new Random(seed);
        for (String machine : machines) {
            Path file = SharedData.require("smd/train/" + machine + ".txt.gz");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                    StandardCharsets.US_ASCII))) {
                String line;
                long i = 0;
                while ((line = r.readLine()) != null && i < maxRows) {
                    long ts = START + 60_000L * i++;
                    double dice = random.nextDouble();
                    if (dice < 0.004) {
                        // A gap of 1 to 120 minutes: longer than the 60-minute maxGap resets the instance.
                        int skip = 1 + random.nextInt(120);
                        for (int k = 0; k < skip && r.readLine() != null; k++) {
                            i++;
                        }
                        continue;
                    }
                    String[] cells = line.split(",");
                    double[] v = new double[metricCount];
                    for (int m = 0; m < metricCount; m++) {
                        v[m] = Double.parseDouble(cells[m]);
                    }
                    if (random.nextDouble() < 0.01) {
                        v[random.nextInt(metricCount)] = random.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY;
                    }
                    s.add(machine, ts, v);
                    if (dice > 0.996) {
                        double[] other = v.clone();
                        other[0] = other[0] * 1.5 + 1;
                        s.add(machine, ts, other); // a duplicate timestamp: the first one read wins
                    }
                }
            }
        }
        return s;
    }

    void add(String inst, long ts, double[] v) {
        instance.add(inst);
        timestamp.add(ts);
        values.add(v);
    }

    int rows() {
        return instance.size();
    }

    MetricFrame frame() {
        MetricFrame f = new MetricFrame(metrics, rows());
        for (int r = 0; r < rows(); r++) {
            f.add(instance.get(r), timestamp.get(r), values.get(r));
        }
        return f;
    }

    /** Writes the samples as one Parquet file (read order = list order) and reads it back. */
    Dataset<Row> toParquet(SparkSession spark, Path dir) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("instance", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("timestamp", DataTypes.LongType, true));
        for (String m : metrics) {
            fields.add(DataTypes.createStructField(m, DataTypes.DoubleType, true));
        }
        List<Row> rows = new ArrayList<>(rows());
        for (int r = 0; r < rows(); r++) {
            Object[] cells = new Object[2 + metrics.size()];
            cells[0] = instance.get(r);
            cells[1] = timestamp.get(r);
            double[] v = values.get(r);
            for (int m = 0; m < v.length; m++) {
                cells[2 + m] = v[m];
            }
            rows.add(RowFactory.create(cells));
        }
        String path = dir.resolve("samples.parquet").toString();
        spark.createDataFrame(rows, new StructType(fields.toArray(StructField[]::new))).coalesce(1).write()
                .mode("overwrite").parquet(path);
        return spark.read().parquet(path);
    }
}
