package dev.anomalyops.app.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher's fixed parts: the JDK 17 flags are the ones the build gives anomaly-spark's tests (the root POM's
 * {@code spark.java17.flags}, which those tests prove sufficient), and the checkout is found from a class of this
 * module. The child JVM itself runs in {@code DemoSparkStageTest} and {@code ./bench spark}.
 */
class SparkProcessTest {
    @Test
    void flagsAreTheRootPomsSparkJava17Flags() throws Exception {
        SparkProcess spark = SparkProcess.forCheckoutOf(SparkProcess.class, "1g");
        String pom = Files.readString(spark.root().resolve("pom.xml"));
        Matcher m = Pattern.compile("<spark.java17.flags>([^<]+)</spark.java17.flags>").matcher(pom);
        assertThat(m.find()).isTrue();
        assertThat(SparkProcess.JAVA17_FLAGS).containsExactlyElementsOf(Arrays.asList(m.group(1).trim().split("\\s+")));
        assertThat(spark.root().resolve("anomaly-spark/pom.xml")).exists();
        assertThat(spark.root()).isEqualTo(Path.of("").toAbsolutePath().getParent());
    }

    @Test
    void aClassOutsideACheckoutIsAClearConfigurationError() {
        assertThatThrownBy(() -> SparkProcess.forCheckoutOf(String.class, "1g"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> SparkProcess.forCheckoutOf(org.junit.jupiter.api.Test.class, "1g"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not in one");
    }
}
