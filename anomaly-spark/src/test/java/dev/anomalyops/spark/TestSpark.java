package dev.anomalyops.spark;

import dev.anomalyops.spark.internal.LocalSpark;
import org.apache.spark.sql.SparkSession;

/** One local Spark session for all tests of the module (starting one costs seconds). */
final class TestSpark {
    private TestSpark() {}

    static SparkSession session() {
        return LocalSpark.session(2, 4);
    }
}
