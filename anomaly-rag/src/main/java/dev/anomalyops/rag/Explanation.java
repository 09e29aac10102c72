package dev.anomalyops.rag;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An explanation of one anomaly in four sections, with the incidents it was built from and how well those
 * sources back each sentence. {@link ExplanationJson} writes it in the documented JSON form
 * ({@code explanation.schema.json}).
 *
 * @param signature the anomaly signature it explains ({@link AnomalyContext#signature()})
 * @param rootCauseAnalysis what most likely caused the anomaly
 * @param impactAssessment what is or may be affected, and how badly
 * @param recommendedActions what to do now
 * @param preventionSteps what to change so it does not happen again
 * @param generator who wrote it: {@code template} for the deterministic explainer, {@code llm:<model>}
 *     for a language model
 * @param notice a label for readers, such as "Composed without a language model"; null when none is needed
 * @param incidents the similar past incidents it was built from, most similar first
 * @param grounding the sentence-level grounding check ({@link Grounding#unchecked()} until checked)
 */
public record Explanation(
        String signature,
        String rootCauseAnalysis,
        String impactAssessment,
        String recommendedActions,
        String preventionSteps,
        String generator,
        @Nullable String notice,
        List<SimilarIncident> incidents,
        Grounding grounding) {

    /** The JSON names of the four sections, in order. */
    public static final List<String> SECTIONS =
            List.of("root_cause_analysis", "impact_assessment", "recommended_actions", "prevention_steps");

    /** Checks that all four sections have text; copies the list. */
    public Explanation {
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(grounding, "grounding");
        String[] sections = {rootCauseAnalysis, impactAssessment, recommendedActions, preventionSteps};
        for (int i = 0; i < sections.length; i++) {
            if (sections[i] == null || sections[i].isBlank()) {
                throw new IllegalArgumentException("Section \"" + SECTIONS.get(i) + "\" of the explanation is empty");
            }
        }
        incidents = List.copyOf(incidents);
    }

    /**
     * @param name a section's JSON name, one of {@link #SECTIONS}
     * @return its text
     */
    public String section(String name) {
        switch (name) {
            case "root_cause_analysis":
                return rootCauseAnalysis;
            case "impact_assessment":
                return impactAssessment;
            case "recommended_actions":
                return recommendedActions;
            case "prevention_steps":
                return preventionSteps;
            default:
                throw new IllegalArgumentException("Unknown section \"" + name + "\"; expected one of " + SECTIONS);
        }
    }

    /**
     * @param checked the result of a grounding check
     * @return this explanation carrying that result
     */
    public Explanation withGrounding(Grounding checked) {
        return new Explanation(signature, rootCauseAnalysis, impactAssessment, recommendedActions, preventionSteps,
                generator, notice, incidents, checked);
    }

    /**
     * @param text a notice for readers (replaces any earlier one)
     * @return this explanation carrying that notice
     */
    public Explanation withNotice(@Nullable String text) {
        return new Explanation(signature, rootCauseAnalysis, impactAssessment, recommendedActions, preventionSteps,
                generator, text, incidents, grounding);
    }
}
