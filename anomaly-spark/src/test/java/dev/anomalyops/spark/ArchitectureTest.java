package dev.anomalyops.spark;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.anomalyops.core.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Applies the project's architecture rules to anomaly-spark. */
class ArchitectureTest {
    @Test
    void sparkFollowsTheArchitectureRules() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.anomalyops.spark");
        for (ArchRule rule : ArchitectureRules.all()) {
            rule.check(classes);
        }
    }
}
