package dev.anomalyops.spark;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.spark.internal.JobOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ready-made {@code spark-submit} job: reads a {@link FeatureSpec} (YAML or JSON, any Hadoop path such as
 * {@code s3a://} or {@code s3://} on EMR) and Parquet samples, computes the features with {@link SparkFeatures}, and
 * writes the features and the rejected rows as Parquet. The commands for a cluster and for EMR on EKS are in
 * {@code docs/spark.md}.
 *
 * <pre>
 * spark-submit --class dev.anomalyops.spark.SparkFeatureJob anomaly-spark.jar \
 *   --spec s3://bucket/specs/ec2.yaml --input s3://bucket/metrics/dt=2026-11-28 \
 *   --output s3://bucket/features/dt=2026-11-28 --rejected s3://bucket/quarantine/dt=2026-11-28 [--carry label,weight]
 * </pre>
 */
public final class SparkFeatureJob {
    private static final Logger LOG = LoggerFactory.getLogger(SparkFeatureJob.class);

    private SparkFeatureJob() {}

    /**
     * @param args {@code --spec PATH --input PATH --output PATH --rejected PATH [--carry COLUMNS]}
     * @throws ConfigurationException when an option is missing or unknown
     */
    public static void main(String[] args) {
        Map<String, String> options = parse(args);
        SparkSession spark = SparkSession.builder().appName("anomalyops-features").getOrCreate();
        try {
            String text = String.join("\n", spark.read().textFile(options.get("spec")).collectAsList());
            String spec = options.get("spec");
            FeatureSpec featureSpec = spec.endsWith(".json") ? FeatureSpec.fromJson(text) : FeatureSpec.fromYaml(text);
            List<String> carry = options.containsKey("carry") ? Arrays.asList(options.get("carry").split(",")) : List.of();
            SparkFeatures.Result result = SparkFeatures.of(featureSpec).compute(spark.read().parquet(options.get("input")), carry);
            result.features().write().mode(SaveMode.Overwrite).parquet(options.get("output"));
            result.rejected().write().mode(SaveMode.Overwrite).parquet(options.get("rejected"));
            LOG.info("Features of spec \"{}\" written to {}; rejected rows to {}", featureSpec.name(), options.get("output"),
                    options.get("rejected"));
        } finally {
            spark.stop();
        }
    }

    static Map<String, String> parse(String[] args) {
        return JobOptions.parse(args, List.of("spec", "input", "output", "rejected", "carry"),
                List.of("spec", "input", "output", "rejected"));
    }
}
