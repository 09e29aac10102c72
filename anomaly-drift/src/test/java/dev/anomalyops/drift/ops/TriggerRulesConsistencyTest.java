package dev.anomalyops.drift.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.drift.DriftMonitor;
import dev.anomalyops.drift.FeedbackTracker;
import dev.anomalyops.drift.ProfileOptions;
import dev.anomalyops.drift.ReferenceProfile;
import dev.anomalyops.drift.metrics.MetricsCatalogue;
import dev.anomalyops.drift.metrics.ServingMetrics;
import dev.anomalyops.drift.trigger.TriggerAction;
import dev.anomalyops.drift.trigger.TriggerRule;
import dev.anomalyops.drift.trigger.TriggerRules;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Prometheus rules and the in-process rules ({@link TriggerRules}) say the same thing. */
class TriggerRulesConsistencyTest {
    @Test
    void everyCodeRuleHasAPrometheusTwinWithTheSameThresholdDurationAndActions() throws Exception {
        ReferenceProfile profile = ReferenceProfile.learn(FeatureBatch.wrap(FeatureSchema.of("a"), new float[] {1, 2, 3}, 3),
                null, ProfileOptions.defaults());
        List<TriggerRule> code = TriggerRules.defaults(DriftMonitor.builder(profile, "m", "1").build(),
                FeedbackTracker.builder("m", "1").build(), ServingMetrics.builder(new SimpleMeterRegistry(), "m", "1").build());
        Map<String, JsonNode> yaml = Monitoring.ruleNodes();
        for (TriggerRule rule : code) {
            JsonNode alert = yaml.get(rule.name());
            assertThat(alert).as("Prometheus alert " + rule.name()).isNotNull();
            assertThat(duration(alert.get("for").asText())).as(rule.name() + " for").isEqualTo(rule.holdFor());
            assertThat(TriggerAction.parseList(alert.get("labels").get("action").asText())).as(rule.name() + " actions")
                    .isEqualTo(rule.actions());
            assertThat(alert.get("labels").get("severity").asText()).isEqualTo(rule.severity());
            Matcher comparison = Pattern.compile("([<>])\\s*([0-9.]+)\\s*$").matcher(alert.get("expr").asText().trim());
            assertThat(comparison.find()).as(rule.name() + " expr ends in a comparison").isTrue();
            assertThat(comparison.group(1)).isEqualTo(rule.comparison() == TriggerRule.Comparison.ABOVE ? ">" : "<");
            assertThat(Double.parseDouble(comparison.group(2))).as(rule.name() + " threshold").isEqualTo(rule.threshold());
        }
        JsonNode scheduled = yaml.get(TriggerRules.SCHEDULED_RETRAIN);
        assertThat(TriggerRules.WEEKLY_RETRAIN.day()).isEqualTo(DayOfWeek.SUNDAY);
        assertThat(TriggerRules.WEEKLY_RETRAIN.time()).isEqualTo(LocalTime.of(2, 0));
        assertThat(TriggerRules.WEEKLY_RETRAIN.zone()).isEqualTo(ZoneOffset.UTC);
        // Prometheus' time functions are UTC; day_of_week() counts from Sunday = 0.
        assertThat(scheduled.get("expr").asText()).contains("day_of_week() == 0").contains("hour() == 2");
        assertThat(scheduled.get("labels").get("action").asText()).isEqualTo(TriggerAction.RETRAIN.label());
    }

    @Test
    void rulesReadOnlyMetricsWeExport() throws Exception {
        Set<String> known = new HashSet<>(MetricsCatalogue.prometheusSeries());
        known.add("up");
        Map<String, JsonNode> rules = Monitoring.ruleNodes();
        rules.values().stream().filter(r -> r.has("record")).forEach(r -> known.add(r.get("record").asText()));
        for (Map.Entry<String, JsonNode> rule : rules.entrySet()) {
            assertThat(PromQl.metricNames(rule.getValue().get("expr").asText())).as(rule.getKey()).isSubsetOf(known);
        }
    }

    static Duration duration(String prometheus) {
        Matcher m = Pattern.compile("(\\d+)([smhd])").matcher(prometheus);
        assertThat(m.matches()).as("simple duration " + prometheus).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
