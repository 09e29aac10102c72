package dev.anomalyops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.app.ServingEndpoints;
import dev.anomalyops.drift.metrics.MetricsCatalogue;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests cannot drift from the code: ports, probe paths and the metrics path of every inference pod
 * template equal {@link ServingEndpoints} (what the reference server serves), Services and monitors point at that
 * port by name, every Prometheus metric the HPA adapter, the Argo Rollouts analyses and the release gates query is
 * one the app exports ({@link MetricsCatalogue}), and the rules' scrape job name is the one the ServiceMonitor
 * gives. Plus the scheduling rules Kubernetes checks in code rather than in its schema (selectors match
 * templates, GPU requests equal limits, CPU requests for the HPA).
 */
class ManifestConsistencyTest {
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{");

    @ParameterizedTest
    @ValueSource(strings = {"overlays/staging", "overlays/production", "overlays/production-gpu",
        "overlays/production-rollouts"})
    void inferencePodsUseTheServersPortProbesAndArguments(String target) {
        List<JsonNode> objects = Kustomize.render(target);
        List<JsonNode> templates = new ArrayList<>();
        for (String name : List.of("anomalyops", "anomalyops-canary")) {
            Repo.find(objects, "Deployment", name).ifPresent(d -> templates.add(d.path("spec").path("template")));
        }
        assertThat(templates).isNotEmpty();
        for (JsonNode template : templates) {
            JsonNode container = template.path("spec").path("containers").get(0);
            String what = target + " " + template.path("metadata").path("labels");
            JsonNode port = container.path("ports").get(0);
            assertThat(port.path("name").asText()).as(what).isEqualTo(ServingEndpoints.PORT_NAME);
            assertThat(port.path("containerPort").asInt()).as(what).isEqualTo(ServingEndpoints.PORT);
            assertThat(container.path("args").toString()).as(what).contains("\"--port=" + ServingEndpoints.PORT + "\"");
            assertProbe(what, container.path("readinessProbe"), ServingEndpoints.READY_PATH);
            assertProbe(what, container.path("startupProbe"), ServingEndpoints.READY_PATH);
            assertProbe(what, container.path("livenessProbe"), ServingEndpoints.LIVE_PATH);
            String alias = "canary".equals(template.path("metadata").path("labels").path("anomalyops.dev/variant")
                    .asText()) ? ServingEndpoints.CANARY_ALIAS : ServingEndpoints.STABLE_ALIAS;
            assertThat(container.path("args").toString()).as(what).contains("--alias=" + alias);
            JsonNode security = container.path("securityContext");
            assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(what).isTrue();
            assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(what).isFalse();
            assertThat(template.path("spec").path("securityContext").path("runAsNonRoot").asBoolean()).as(what)
                    .isTrue();
            assertThat(container.path("resources").path("requests").has("cpu")).as(what + " CPU request (HPA)")
                    .isTrue();
        }
        for (String service : List.of("anomalyops", "anomalyops-canary")) {
            JsonNode s = Repo.require(objects, "Service", service);
            assertThat(s.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo(ServingEndpoints.PORT_NAME);
        }
        JsonNode monitor = Repo.require(objects, "ServiceMonitor", "anomalyops");
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo(ServingEndpoints.PORT_NAME);
        assertThat(endpoint.path("path").asText()).isEqualTo(ServingEndpoints.METRICS_PATH);
    }

    @Test
    void theJibImageMatchesTheServerToo() throws Exception {
        String pom = Files.readString(Repo.root().resolve("reference-app/pom.xml"));
        assertThat(pom).contains("<port>" + ServingEndpoints.PORT + "</port>").contains("<arg>--port="
                + ServingEndpoints.PORT + "</arg>").contains("<user>10001:10001</user>");
    }

    @Test
    void selectorsMatchTemplatesAndEveryWorkloadIsCovered() {
        for (String target : List.of("overlays/production", "overlays/production-gpu",
                "overlays/production-rollouts", "overlays/staging")) {
            List<JsonNode> objects = Kustomize.render(target);
            for (JsonNode o : objects) {
                String kind = o.path("kind").asText();
                if (Set.of("Deployment", "StatefulSet", "Rollout").contains(kind) && o.path("spec").has("template")) {
                    JsonNode labels = o.path("spec").path("template").path("metadata").path("labels");
                    o.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e ->
                            assertThat(labels.path(e.getKey()).asText()).as(target + " " + kind + " "
                                    + o.path("metadata").path("name") + " selector " + e.getKey())
                                    .isEqualTo(e.getValue().asText()));
                }
                if (Set.of("Deployment", "StatefulSet").contains(kind)) {
                    for (JsonNode c : o.path("spec").path("template").path("spec").path("containers")) {
                        JsonNode gpuLimit = c.path("resources").path("limits").path("nvidia.com/gpu");
                        JsonNode gpuRequest = c.path("resources").path("requests").path("nvidia.com/gpu");
                        if (!gpuRequest.isMissingNode()) {
                            assertThat(gpuRequest.asText()).as("GPU request equals limit").isEqualTo(gpuLimit.asText());
                        }
                        if (!gpuLimit.isMissingNode()) {
                            JsonNode spec = o.path("spec").path("template").path("spec");
                            assertThat(spec.path("nodeSelector").path("node.kubernetes.io/instance-type").asText())
                                    .isEqualTo("g4dn.xlarge");
                            assertThat(spec.path("tolerations").toString()).contains("nvidia.com/gpu");
                        }
                    }
                }
            }
            // Every Service selects pods that some workload creates.
            for (JsonNode s : objects) {
                if (!"Service".equals(s.path("kind").asText())) {
                    continue;
                }
                boolean matched = objects.stream().filter(w -> Set.of("Deployment", "StatefulSet")
                        .contains(w.path("kind").asText())).anyMatch(w -> {
                            JsonNode labels = w.path("spec").path("template").path("metadata").path("labels");
                            boolean all = true;
                            for (var it = s.path("spec").path("selector").fields(); it.hasNext();) {
                                var e = it.next();
                                all &= labels.path(e.getKey()).asText().equals(e.getValue().asText());
                            }
                            return all;
                        });
                assertThat(matched).as(target + " Service " + s.path("metadata").path("name") + " selects pods")
                        .isTrue();
            }
        }
    }

    @Test
    void theHpaScalesTheStableInferenceBetweenThreeAndTen() {
        JsonNode hpa = Repo.require(Kustomize.render("overlays/production"), "HorizontalPodAutoscaler", "anomalyops");
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(3);
        assertThat(hpa.path("spec").path("maxReplicas").asInt()).isEqualTo(10);
        assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("anomalyops");
        List<String> types = new ArrayList<>();
        hpa.path("spec").path("metrics").forEach(m -> types.add(m.path("type").asText()));
        assertThat(types).containsExactly("Resource", "Pods");
        // The Pods metric is the one the prometheus-adapter rule publishes, from a counter the app exports.
        String metric = hpa.path("spec").path("metrics").get(1).path("pods").path("metric").path("name").asText();
        JsonNode adapter = Repo.read(Repo.deploy().resolve("addons/prometheus-adapter-values.yaml"));
        JsonNode rule = adapter.path("rules").path("custom").get(0);
        assertThat(rule.path("name").path("as").asText()).isEqualTo(metric);
        assertThat(rule.path("seriesQuery").asText()).startsWith(MetricsCatalogue.MODEL_REQUESTS.prometheusName() + "{");
    }

    @Test
    void canaryIngressIsSeventyThirtyWithCookieAndHeaderOverrides() {
        List<JsonNode> base = Kustomize.render("base");
        JsonNode canary = Repo.require(base, "Ingress", "anomalyops-canary").path("metadata").path("annotations");
        assertThat(canary.path("nginx.ingress.kubernetes.io/canary").asText()).isEqualTo("true");
        assertThat(canary.path("nginx.ingress.kubernetes.io/canary-weight").asText()).isEqualTo("30");
        assertThat(canary.path("nginx.ingress.kubernetes.io/canary-by-cookie").asText()).isNotEmpty();
        JsonNode primary = Repo.require(base, "Ingress", "anomalyops").path("metadata").path("annotations");
        assertThat(primary.path("nginx.ingress.kubernetes.io/affinity").asText()).isEqualTo("cookie");
        // Same host and path on both, as ingress-nginx requires of a canary.
        assertThat(Repo.require(base, "Ingress", "anomalyops-canary").path("spec").path("rules"))
                .hasSize(1);
        assertThat(Repo.require(base, "Ingress", "anomalyops-canary").path("spec").path("rules").get(0).path("host"))
                .isEqualTo(Repo.require(base, "Ingress", "anomalyops").path("spec").path("rules").get(0).path("host"));
    }

    @Test
    void everyQueriedMetricIsOneTheAppExports() throws Exception {
        Set<String> exported = MetricsCatalogue.prometheusSeries();
        Set<String> queried = new LinkedHashSet<>();
        for (JsonNode template : Kustomize.render("overlays/production-rollouts")) {
            if ("AnalysisTemplate".equals(template.path("kind").asText())) {
                template.path("spec").path("metrics").forEach(m -> queried.addAll(metrics(m.path("provider")
                        .path("prometheus").path("query").asText())));
            }
        }
        queried.addAll(metrics(Files.readString(Repo.root().resolve(".github/workflows/release.yml"))).stream()
                .filter(n -> n.startsWith("model_")).toList());
        assertThat(queried).contains("model_requests_total", "model_latency_seconds_bucket", "model_accuracy");
        assertThat(exported).containsAll(queried);
    }

    @Test
    void theTargetDownRulesJobIsTheServiceMonitorsJob() throws Exception {
        String rules = Files.readString(Repo.deploy().resolve("monitoring/prometheus/rules/anomalyops-triggers.yml"));
        Matcher job = Pattern.compile("up\\{job=\"([^\"]+)\"}").matcher(rules);
        assertThat(job.find()).isTrue();
        List<JsonNode> objects = Kustomize.render("overlays/production");
        JsonNode monitor = Repo.require(objects, "ServiceMonitor", "anomalyops");
        String jobLabel = monitor.path("spec").path("jobLabel").asText();
        JsonNode service = Repo.require(objects, "Service", "anomalyops");
        assertThat(service.path("metadata").path("labels").path(jobLabel).asText()).isEqualTo(job.group(1));
    }

    @Test
    void theRetrainJobAndStatefulStoreAreWhatTheIssueAsks() {
        List<JsonNode> objects = Kustomize.render("overlays/production");
        JsonNode qdrant = Repo.require(objects, "StatefulSet", "qdrant");
        JsonNode claim = qdrant.path("spec").path("volumeClaimTemplates").get(0);
        assertThat(claim.path("spec").path("resources").path("requests").path("storage").asText()).isEqualTo("20Gi");
        JsonNode vllm = Repo.require(objects, "Deployment", "vllm").path("spec").path("template").path("spec");
        assertThat(vllm.path("containers").get(0).path("resources").path("limits").path("nvidia.com/gpu").asInt())
                .isEqualTo(1);
        JsonNode pdb = Repo.require(objects, "PodDisruptionBudget", "anomalyops");
        assertThat(pdb.path("spec").path("selector").path("matchLabels").path("anomalyops.dev/variant").asText())
                .isEqualTo("stable");
        JsonNode affinity = Repo.require(objects, "Deployment", "anomalyops").path("spec").path("template")
                .path("spec").path("affinity").path("podAntiAffinity");
        assertThat(affinity.isMissingNode()).isFalse();
        assertThat(Repo.require(objects, "Deployment", "anomalyops").path("spec").path("replicas").asInt()).isEqualTo(3);
    }

    private static void assertProbe(String what, JsonNode probe, String path) {
        assertThat(probe.path("httpGet").path("path").asText()).as(what + " probe path").isEqualTo(path);
        assertThat(probe.path("httpGet").path("port").asText()).as(what + " probe port").isEqualTo(ServingEndpoints.PORT_NAME);
    }

    private static List<String> metrics(String promql) {
        List<String> names = new ArrayList<>();
        Matcher m = SELECTOR.matcher(promql);
        while (m.find()) {
            String name = m.group(1);
            if (!Set.of("by", "without", "on", "ignoring", "group_left", "group_right").contains(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
