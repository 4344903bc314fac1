package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml against the Compose Specification's JSON Schema (compose-spec.json in the test resources,
 * see deploy-tests/README.md for where it comes from): what `docker compose config` checks first, without Docker.
 */
class ComposeSpecificationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void composeFileFollowsTheComposeSpecification() {
        List<String> errors = validate(Compose.read().document());
        assertEquals(List.of(), errors, Compose.FILE + " does not follow the Compose Specification");
    }

    @Test
    void theSchemaCheckRefusesAMisspelledServiceKey() {
        Map<String, Object> document = Compose.read().document();
        Map<String, Object> kafka = new LinkedHashMap<>(Yamls.map(Yamls.at(document, "services", "kafka"), "kafka"));
        kafka.put("healthchek", kafka.remove("healthcheck"));
        Map<String, Object> services = new LinkedHashMap<>(Yamls.map(document.get("services"), "services"));
        services.put("kafka", kafka);
        Map<String, Object> broken = new LinkedHashMap<>(document);
        broken.put("services", services);
        List<String> errors = validate(broken);
        assertFalse(
                errors.isEmpty(), "the schema accepted a service with an unknown key: the check would catch nothing");
        assertTrue(errors.stream().anyMatch(e -> e.contains("healthchek")), errors.toString());
    }

    @Test
    void theSchemaCheckRefusesADependencyConditionThatDoesNotExist() {
        Map<String, Object> document = Compose.read().document();
        Map<String, Object> services = new LinkedHashMap<>(Yamls.map(document.get("services"), "services"));
        Map<String, Object> orchestrator =
                new LinkedHashMap<>(Yamls.map(services.get("orchestrator-service"), "orchestrator-service"));
        orchestrator.put("depends_on", Map.of("kafka", Map.of("condition", "service_ready")));
        services.put("orchestrator-service", orchestrator);
        Map<String, Object> broken = new LinkedHashMap<>(document);
        broken.put("services", services);
        assertFalse(validate(broken).isEmpty(), "the schema accepted depends_on condition service_ready");
    }

    static List<String> validate(Map<String, Object> document) {
        JsonNode node = JSON.valueToTree(document);
        Set<ValidationMessage> messages = schema().validate(node);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private static JsonSchema schema() {
        try (InputStream in = ComposeSpecificationTest.class.getResourceAsStream("/compose-spec.json")) {
            if (in == null) {
                throw new IllegalStateException("compose-spec.json is missing from the test resources");
            }
            // The published schema's $id is the bare file name, which a validator cannot resolve on its own;
            // give it the absolute name the Compose Specification publishes it under.
            com.fasterxml.jackson.databind.node.ObjectNode node =
                    (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(in);
            node.put(
                    "$id", "https://raw.githubusercontent.com/compose-spec/compose-spec/main/schema/compose-spec.json");
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
