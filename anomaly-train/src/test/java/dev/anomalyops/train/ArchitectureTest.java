package dev.anomalyops.train;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import dev.anomalyops.core.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Applies the project's architecture rules to anomaly-train, plus: only one internal class may touch Tribuo. */
class ArchitectureTest {
    @Test
    void trainFollowsTheArchitectureRules() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.anomalyops.train");
        for (ArchRule rule : ArchitectureRules.all()) {
            rule.check(classes);
        }
        // Tribuo is optional: public classes must load without it.
        ArchRuleDefinition.noClasses().that().doNotHaveFullyQualifiedName(
                        "dev.anomalyops.train.internal.TribuoOneClass")
                .and().doNotHaveFullyQualifiedName("dev.anomalyops.train.internal.TribuoOneClass$Fitted")
                .should().dependOnClassesThat().resideInAnyPackage("org.tribuo..", "de.bwaldvogel..")
                .check(classes);
    }
}
