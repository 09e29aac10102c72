package dev.anomalyops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every kustomization under deploy/ renders with the real Kustomize (kubectl kustomize) and every rendered object
 * validates strictly: built-in kinds against Kubernetes 1.32 ({@link KubernetesSchema}), custom resources against
 * their transcribed CRD fields ({@link CustomResourceSchema}). The validators are themselves tested on broken
 * objects, so a pass means something.
 */
class ManifestValidationTest {
    static final List<String> TARGETS = Kustomize.TARGETS;

    @ParameterizedTest
    @FieldSource("TARGETS")
    void everyRenderedObjectIsValid(String target) {
        List<JsonNode> objects = Kustomize.render(target);
        assertThat(objects).as("objects rendered for " + target).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (JsonNode object : objects) {
            problems.addAll(validate(object));
        }
        assertThat(problems).as("problems in deploy/" + target).isEmpty();
    }

    @Test
    void addonManifestsAreValidToo() {
        JsonNode storageClass = Repo.read(Repo.deploy().resolve("addons/gp3-storageclass.yaml"));
        assertThat(validate(storageClass)).isEmpty();
    }

    @Test
    void eachOverlayRendersTheObjectsTheDeploymentNeeds() {
        Map<String, Long> production = kinds(Kustomize.render("overlays/production"));
        assertThat(production).containsEntry("Deployment", 3L).containsEntry("StatefulSet", 1L)
                .containsEntry("HorizontalPodAutoscaler", 1L).containsEntry("PodDisruptionBudget", 2L)
                .containsEntry("Ingress", 2L).containsEntry("CronJob", 1L).containsEntry("ServiceMonitor", 1L)
                .containsEntry("PodMonitor", 1L).containsEntry("Namespace", 1L);
        Map<String, Long> rollouts = kinds(Kustomize.render("overlays/production-rollouts"));
        assertThat(rollouts).containsEntry("Rollout", 1L).containsEntry("AnalysisTemplate", 3L)
                .containsEntry("Ingress", 1L).containsEntry("Deployment", 2L);
        assertThat(Repo.find(Kustomize.render("overlays/production-rollouts"), "Deployment", "anomalyops-canary"))
                .isEmpty();
        Map<String, Long> staging = kinds(Kustomize.render("overlays/staging"));
        assertThat(staging).containsEntry("Deployment", 2L);
        assertThat(kinds(Kustomize.render("argocd"))).containsEntry("Application", 2L);
        for (String target : List.of("overlays/staging", "overlays/production", "overlays/production-rollouts")) {
            for (JsonNode o : Kustomize.render(target)) {
                if (!"Namespace".equals(o.path("kind").asText())) {
                    assertThat(o.path("metadata").path("namespace").asText()).as(target + " " + o.path("kind")
                            + " " + o.path("metadata").path("name") + " namespace").isNotEmpty();
                }
            }
        }
    }

    @Test
    void theMonitoringConfigMapsCarryTheDriftIssuesFilesVerbatim() throws Exception {
        List<JsonNode> objects = Kustomize.render("overlays/production");
        ObjectNode rules = Repo.require(objects, "ConfigMap", "anomalyops-prometheus-rules");
        assertThat(rules.path("data").path("anomalyops-triggers.yml").asText()).isEqualTo(java.nio.file.Files
                .readString(Repo.deploy().resolve("monitoring/prometheus/rules/anomalyops-triggers.yml")));
        ObjectNode dashboards = Repo.require(objects, "ConfigMap", "anomalyops-grafana-dashboards");
        assertThat(dashboards.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        for (String name : List.of("model-performance.json", "data-drift.json", "ab-testing.json", "llm.json")) {
            String json = dashboards.path("data").path(name).asText();
            assertThat(Repo.YAML.readTree(json).path("panels").size()).as(name + " panels").isPositive();
        }
    }

    @Test
    void theBuiltInValidatorRejectsUnknownMissingAndMistypedFields() {
        JsonNode deployment = deployment();
        assertThat(validate(deployment)).isEmpty();

        ObjectNode typo = deployment.deepCopy();
        container(typo).set("readinesProbe", container(typo).remove("readinessProbe"));
        assertThat(validate(typo)).singleElement().asString().contains("readinesProbe").contains("V1Container");

        ObjectNode missing = deployment.deepCopy();
        container(missing).remove("name");
        assertThat(validate(missing)).singleElement().asString().contains("required field `name`");

        ObjectNode mistyped = deployment.deepCopy();
        ((ObjectNode) mistyped.path("spec")).put("replicas", "three");
        assertThat(validate(mistyped)).singleElement().asString().contains("wrong type");

        ObjectNode badQuantity = deployment.deepCopy();
        ((ObjectNode) container(badQuantity).path("resources").path("limits")).put("memory", "2 gigs");
        assertThat(validate(badQuantity)).singleElement().asString().contains("wrong type");

        ObjectNode beta = deployment.deepCopy();
        beta.put("apiVersion", "extensions/v1beta1");
        assertThat(validate(beta)).singleElement().asString().contains("neither a Kubernetes 1.32 API");
        assertThat(KubernetesSchema.validate(beta)).singleElement().asString().contains("not one of the GA versions");

        ObjectNode noKind = deployment.deepCopy();
        noKind.put("kind", "Deploymint");
        assertThat(validate(noKind)).singleElement().asString().contains("no kind \"Deploymint\"");
    }

    @Test
    void theCustomResourceValidatorRejectsUnknownAndMistypedFields() {
        ObjectNode rollout = Repo.require(Kustomize.render("overlays/production-rollouts"), "Rollout", "anomalyops");
        assertThat(validate(rollout)).isEmpty();

        ObjectNode typo = rollout.deepCopy();
        ((ObjectNode) typo.path("spec").path("strategy").path("canary")).put("stableServce", "x");
        assertThat(validate(typo)).singleElement().asString().contains("spec.strategy.canary.stableServce");

        ObjectNode mistyped = rollout.deepCopy();
        ((ObjectNode) mistyped.path("spec").path("strategy").path("canary").path("steps").get(0))
                .put("setWeight", "ten");
        assertThat(validate(mistyped)).singleElement().asString().contains("setWeight must be integer");

        ObjectNode monitor = Repo.require(Kustomize.render("base"), "ServiceMonitor", "anomalyops").deepCopy();
        ((ObjectNode) monitor.path("spec").path("endpoints").get(0)).put("interval", "fifteen seconds");
        assertThat(validate(monitor)).singleElement().asString().contains("interval must be duration");

        ObjectNode embedded = Repo.require(Kustomize.render("base"), "ServiceMonitor", "anomalyops").deepCopy();
        ((ObjectNode) embedded.path("spec").path("selector")).putObject("matchLabel");
        assertThat(validate(embedded)).singleElement().asString().contains("matchLabel");
    }

    static List<String> validate(JsonNode object) {
        if (KubernetesSchema.isBuiltIn(object)) {
            return KubernetesSchema.validate(object);
        }
        if (CustomResourceSchema.knows(object)) {
            return CustomResourceSchema.validate(object);
        }
        return List.of(object.path("kind").asText() + " \"" + object.path("metadata").path("name").asText()
                + "\": " + object.path("apiVersion").asText() + " is neither a Kubernetes "
                + KubernetesSchema.KUBERNETES_VERSION + " API nor a custom resource this project validates");
    }

    private static JsonNode deployment() {
        return Repo.require(Kustomize.render("base"), "Deployment", "anomalyops");
    }

    private static ObjectNode container(JsonNode deployment) {
        return (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    private static Map<String, Long> kinds(List<JsonNode> objects) {
        return objects.stream().collect(Collectors.groupingBy(o -> o.path("kind").asText(), TreeMap::new,
                Collectors.counting()));
    }
}
