package dev.anomalyops.rag;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.anomalyops.core.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Applies the project's architecture rules to anomaly-rag, plus: no gRPC, protobuf or Jackson types in its public API. */
class ArchitectureTest {
    @Test
    void ragFollowsTheArchitectureRules() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.anomalyops.rag");
        for (ArchRule rule : ArchitectureRules.all()) {
            rule.check(classes);
        }
        noMethods().that().arePublic().and().areDeclaredInClassesThat().resideOutsideOfPackage("..internal..")
                .should().haveRawReturnType(com.tngtech.archunit.base.DescribedPredicate.describe("a gRPC, protobuf, Qdrant or Jackson type",
                        (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().startsWith("io.grpc")
                                || c.getPackageName().startsWith("com.google.protobuf")
                                || c.getPackageName().startsWith("io.qdrant")
                                || c.getPackageName().startsWith("com.fasterxml.jackson")))
                .check(classes);
    }
}
