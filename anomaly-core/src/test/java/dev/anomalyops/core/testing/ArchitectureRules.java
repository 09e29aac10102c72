package dev.anomalyops.core.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;

/**
 * The architecture rules of the project, as reusable ArchUnit rules. Each module applies them in a small
 * {@code ArchitectureTest}; the benchmarks module applies them to all modules at once.
 */
public final class ArchitectureRules {
    /** Packages of the published libraries (everything but the reference app and the benchmarks). */
    public static final String[] LIBRARY_PACKAGES = {
        "dev.anomalyops.core..", "dev.anomalyops.features..", "dev.anomalyops.train..", "dev.anomalyops.triton..",
        "dev.anomalyops.rag..", "dev.anomalyops.drift..", "dev.anomalyops.registry..", "dev.anomalyops.scoring..",
        "dev.anomalyops.rollout..", "dev.anomalyops.spark.."
    };

    /** anomaly-core depends on no other module of the project. */
    public static final ArchRule CORE_DEPENDS_ON_NO_OTHER_MODULE = noClasses()
            .that().resideInAPackage("dev.anomalyops.core..")
            .should().dependOnClassesThat(
                    com.tngtech.archunit.base.DescribedPredicate.describe("belong to another AnomalyOps module",
                            (JavaClass c) -> c.getPackageName().startsWith("dev.anomalyops.")
                                    && !c.getPackageName().startsWith("dev.anomalyops.core")))
            .allowEmptyShould(true);

    /** Libraries never depend on the reference app or the benchmarks. */
    public static final ArchRule LIBRARIES_DO_NOT_DEPEND_ON_APPLICATIONS = noClasses()
            .that().resideInAnyPackage(LIBRARY_PACKAGES)
            .should().dependOnClassesThat().resideInAnyPackage("dev.anomalyops.app..", "dev.anomalyops.benchmarks..")
            .allowEmptyShould(true);

    /** A module's {@code ..internal..} packages are used only by that module. */
    public static final ArchRule INTERNAL_STAYS_INTERNAL = classes()
            .that().resideInAPackage("dev.anomalyops..")
            .should(new ArchCondition<JavaClass>("use no other module's internal packages") {
                @Override
                public void check(JavaClass item, ConditionEvents events) {
                    for (Dependency dependency : item.getDirectDependenciesFromSelf()) {
                        String target = dependency.getTargetClass().getPackageName();
                        int internal = target.indexOf(".internal");
                        if (!target.startsWith("dev.anomalyops.") || internal < 0) {
                            continue;
                        }
                        String owner = target.substring(0, internal);
                        String source = item.getPackageName();
                        if (!source.equals(owner) && !source.startsWith(owner + ".")) {
                            events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()
                                    + " reaches into internal package " + target + " of another module"));
                        }
                    }
                }
            })
            .allowEmptyShould(true);

    /** No cycles between packages. */
    public static final ArchRule NO_PACKAGE_CYCLES = slices()
            .matching("dev.anomalyops.(**)")
            .should().beFreeOfCycles()
            .allowEmptyShould(true);

    /** Libraries log through slf4j only and never print. */
    public static final ArchRule NO_PRINTING_IN_LIBRARIES = noClasses()
            .that().resideInAnyPackage(LIBRARY_PACKAGES)
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .orShould(GeneralCodingRules.USE_JAVA_UTIL_LOGGING)
            .allowEmptyShould(true);

    /** Nothing throws the generic {@code Exception}, {@code RuntimeException} or {@code Throwable}. */
    public static final ArchRule NO_GENERIC_EXCEPTIONS = GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS
            .allowEmptyShould(true);

    /** Every exception class of ours belongs to the one hierarchy. */
    public static final ArchRule ONE_EXCEPTION_HIERARCHY = classes()
            .that().resideInAnyPackage(LIBRARY_PACKAGES)
            .and().areAssignableTo(RuntimeException.class)
            .should().beAssignableTo(dev.anomalyops.core.AnomalyOpsException.class)
            .allowEmptyShould(true);

    private ArchitectureRules() {}

    /** @return all rules, for a module's architecture test */
    public static ArchRule[] all() {
        return new ArchRule[] {
            CORE_DEPENDS_ON_NO_OTHER_MODULE, LIBRARIES_DO_NOT_DEPEND_ON_APPLICATIONS, INTERNAL_STAYS_INTERNAL,
            NO_PACKAGE_CYCLES, NO_PRINTING_IN_LIBRARIES, NO_GENERIC_EXCEPTIONS, ONE_EXCEPTION_HIERARCHY
        };
    }
}
