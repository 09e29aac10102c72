package dev.anomalyops.benchmarks;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.anomalyops.core.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules over every module at once: this module depends on all of them, so only here can
 * a rule see, say, a library class that reaches into the reference app or another module's internals.
 */
class ProjectArchitectureTest {
    @Test
    void allModulesFollowTheArchitectureRules() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // Test-jars (fixtures, contract kits) arrive as jars, which the option above does not catch.
                .withImportOption(location -> !location.contains("-tests.jar"))
                // Generated protobuf/gRPC classes (they throw RuntimeException in map-field reflection code).
                .withImportOption(location -> !location.contains("/internal/grpc/")
                        && !location.contains("/internal/proto/"))
                .importPackages("dev.anomalyops");
        for (ArchRule rule : ArchitectureRules.all()) {
            rule.check(classes);
        }
    }
}
