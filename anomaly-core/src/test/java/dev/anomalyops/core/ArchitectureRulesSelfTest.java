package dev.anomalyops.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.anomalyops.core.testing.ArchitectureRules;
import dev.anomalyops.fixture.violating.ReachesIntoCoreInternals;
import org.junit.jupiter.api.Test;

/** Shows that the architecture rules can fail: a fixture class that breaks them is caught. */
class ArchitectureRulesSelfTest {
    private final JavaClasses violating = new ClassFileImporter().importClasses(ReachesIntoCoreInternals.class);

    @Test
    void internalPackagesOfAnotherModuleAreRejected() {
        assertThatThrownBy(() -> ArchitectureRules.INTERNAL_STAYS_INTERNAL.check(violating))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("reaches into internal package dev.anomalyops.core.internal");
    }

    @Test
    void coreMayNotDependOnOtherModules() {
        JavaClasses classes = new ClassFileImporter().importClasses(ArchitectureRulesSelfTest.class,
                ReachesIntoCoreInternals.class);
        assertThatThrownBy(() -> ArchitectureRules.CORE_DEPENDS_ON_NO_OTHER_MODULE.check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("dev.anomalyops.fixture.violating");
    }
}
