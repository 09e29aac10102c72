package dev.anomalyops.spark.internal;

import org.apache.spark.sql.SparkSession;

/** Spark sessions in local mode for tests and the benchmark: loopback only, no UI, few shuffle partitions. */
public final class LocalSpark {
    private LocalSpark() {}

    /**
     * @param cores worker threads ({@code local[cores]})
     * @param shufflePartitions partitions after a shuffle (Spark's default of 200 is far too many on one machine)
     * @return a session (the active one when it exists)
     */
    public static SparkSession session(int cores, int shufflePartitions) {
        return SparkSession.builder()
                .appName("anomalyops")
                .master("local[" + cores + "]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions))
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.adaptive.enabled", "true")
                .getOrCreate();
    }
}
