package dev.anomalyops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The checkout these tests check: its {@code deploy/}, Dockerfiles and workflows, and YAML reading. */
final class Repo {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Repo() {}

    /** @return the repository root (surefire passes it; a plain IDE run falls back to the parent folder) */
    static Path root() {
        Path root = Path.of(System.getProperty("anomalyops.repo.dir", "..")).toAbsolutePath().normalize();
        assertThat(root.resolve("deploy/base/kustomization.yaml")).as("repository root at " + root).isRegularFile();
        return root;
    }

    /** @return {@code deploy/} */
    static Path deploy() {
        return root().resolve("deploy");
    }

    /**
     * @param text one or more YAML documents
     * @return every non-empty document
     */
    static List<JsonNode> documents(String text) {
        try (YAMLParser parser = new YAMLFactory().createParser(text)) {
            List<JsonNode> documents = new ArrayList<>();
            for (JsonNode node : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    documents.add(node);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the YAML document in this file */
    static JsonNode read(Path file) {
        try {
            return YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param objects rendered objects
     * @return the object of that kind and name
     */
    static Optional<ObjectNode> find(List<JsonNode> objects, String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata")
                .path("name").asText())).map(ObjectNode.class::cast).findFirst();
    }

    /** @return the object of that kind and name, failing the test when it is missing */
    static ObjectNode require(List<JsonNode> objects, String kind, String name) {
        return find(objects, kind, name).orElseThrow(() -> new AssertionError(
                "No " + kind + " named \"" + name + "\" among the rendered objects"));
    }
}
