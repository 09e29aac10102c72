package dev.anomalyops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dependency audit that cannot run offline runs on GitHub: .github/workflows/dependency-audit.yml checks every
 * pull request that touches a pom, every push to main and every day, with OWASP dependency-check (failing on CVSS 7 or
 * more, NVD key from a secret, the suppression file it names present and valid XML) and osv-scanner; Dependabot
 * watches Maven and the actions. See docs/security.md.
 */
class DependencyAuditTest {
    @Test
    void theAuditRunsOnPullRequestsPushesAndDailyAndFailsOnKnownVulnerabilities() throws Exception {
        JsonNode audit = WorkflowsTest.workflow("dependency-audit.yml");
        JsonNode on = audit.path("on");
        assertThat(on.path("pull_request").path("paths").toString()).contains("**/pom.xml");
        assertThat(on.path("push").path("branches").toString()).contains("main");
        assertThat(on.path("schedule").get(0).path("cron").asText()).matches("\\d+ \\d+ \\* \\* \\*");

        JsonNode owasp = audit.path("jobs").path("owasp-dependency-check");
        String runs = runs(owasp);
        assertThat(runs).contains("org.owasp:dependency-check-maven:").contains(":aggregate")
                .contains("-DfailBuildOnCVSS=7").contains("-DnvdApiKey=\"$NVD_API_KEY\"");
        assertThat(owasp.toString()).contains("${{ secrets.NVD_API_KEY }}");
        // The build it audits is the whole reactor: package, not a single module.
        assertThat(runs).doesNotContain(" -pl ");
        String suppressions = runs.replaceAll("(?s).*-DsuppressionFile=(\\S+).*", "$1");
        Path file = Repo.root().resolve(suppressions);
        assertThat(file).isRegularFile();
        javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        assertThat(factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement().getTagName())
                .isEqualTo("suppressions");

        JsonNode osv = audit.path("jobs").path("osv-scanner");
        assertThat(osv.toString()).contains("google/osv-scanner-action/osv-scanner-action@v").contains("--recursive");

        String dependabot = Files.readString(Repo.root().resolve(".github/dependabot.yml"));
        assertThat(dependabot).contains("package-ecosystem: maven").contains("package-ecosystem: github-actions");
    }

    private static String runs(JsonNode job) {
        List<String> out = new ArrayList<>();
        job.path("steps").forEach(step -> out.add(step.path("run").asText("")));
        return String.join("\n", out);
    }
}
