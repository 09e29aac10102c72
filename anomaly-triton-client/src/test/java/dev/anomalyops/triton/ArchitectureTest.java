package dev.anomalyops.triton;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.anomalyops.core.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Applies the project's architecture rules to this module's main classes (generated code excluded). */
class ArchitectureTest {
    @Test
    void moduleFollowsTheArchitectureRules() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                // Generated protobuf/gRPC classes throw RuntimeException in their map-field reflection code.
                .withImportOption(location -> !location.contains("/internal/grpc/"))
                .importPackages("dev.anomalyops.triton");
        for (ArchRule rule : ArchitectureRules.all()) {
            rule.check(classes);
        }
    }
}
