package io.baran.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The published JSON Schema and the parser agree: the committed schema is the generated one, every example
 * passes both, and every golden invalid case is refused by both, except the cases listed here whose error
 * a JSON Schema cannot express (they need other fields, the provider list, or a semantic check).
 */
class SchemaTest {

    /** Golden cases the schema accepts although the parser refuses them, each for a reason a schema cannot see. */
    static final Set<String> SCHEMA_CANNOT_EXPRESS = Set.of(
            "drills-bad-schedule", // cron expressions and time zones are texts to the schema
            "duplicate-keys", // the YAML loader keeps the last value; the schema sees one key
            "duplicate-step-names", // uniqueness across the document
            "undefined-parameter",
            "reference-without-parameters",
            "parameter-unclosed-reference",
            "parameter-list-in-text",
            "parameter-wrong-type", // references are texts to the schema
            "unknown-provider",
            "provider-lacks-capability", // the provider list is configuration
            "failback-undo-of-check",
            "failback-undo-unknown-step",
            "failback-undo-twice", // undo targets are other steps
            "failback-reverse-cannot-undo",
            "failback-undo-no-undo", // whether an action has an undo
            "retry-max-below-interval",
            "timeout-zero",
            "health-check-interval-longer-than-within", // compare values
            "dns-cname-two-values",
            "dns-a-not-an-address",
            "health-check-bad-url", // checks of one action
            "health-check-metadata-address"); // the egress policy is configuration

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMA_FILE = TestFiles.root().resolve("runbooks/runbook.schema.json");

    private final JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
            .getSchema(RunbookSchema.generate(ActionCatalog.standard()));
    private final RunbookParser parser = new RunbookParser(ActionCatalog.standard(), TestFiles.providers());

    @Test
    void theCommittedSchemaIsTheOneTheModelGenerates() throws Exception {
        GeneratedFiles.assertCommitted(
                "runbooks/runbook.schema.json",
                RunbookSchema.text(ActionCatalog.standard()),
                "bin/baran schema > runbooks/runbook.schema.json");
        JsonNode committed = JSON.readTree(SCHEMA_FILE.toFile());
        assertEquals(RunbookSchema.ID, committed.get("$id").asText());
    }

    @Test
    void theSchemaHasAWithBlockForEveryActionOfTheRegistry() {
        JsonNode definitions = RunbookSchema.generate(ActionCatalog.standard()).get("definitions");
        for (ActionSpec action : ActionCatalog.standard().all()) {
            JsonNode with = definitions.get(RunbookSchema.withName(action.name()));
            assertTrue(with != null, "no with block for " + action.name());
            List<String> fields = new java.util.ArrayList<>();
            with.get("properties").fieldNames().forEachRemaining(fields::add);
            assertEquals(List.copyOf(action.fields().keySet()), fields, action.name());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExamplePassesTheSchemaAndTheParser() {
        return ExamplesTest.examples().stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    Set<ValidationMessage> errors =
                            schema.validate(yamlAsJson(TestFiles.read(file)).orElseThrow());
                    assertTrue(errors.isEmpty(), file + " does not pass the schema: " + errors);
                    assertEquals(List.of(), parser.validate(file.toString(), TestFiles.read(file)));
                }));
    }

    @TestFactory
    Stream<DynamicTest> everyInvalidCaseTheSchemaCanExpressIsRefusedByBoth() {
        return GoldenFilesTest.cases().stream()
                .map(file -> DynamicTest.dynamicTest(GoldenFilesTest.caseName(file), () -> {
                    String text = TestFiles.read(file);
                    assertFalse(parser.validate(file.toString(), text).isEmpty(), "the parser accepts " + file);
                    Optional<JsonNode> json = yamlAsJson(text);
                    boolean schemaRefuses =
                            json.isEmpty() || !schema.validate(json.get()).isEmpty();
                    String name = GoldenFilesTest.caseName(file);
                    if (SCHEMA_CANNOT_EXPRESS.contains(name)) {
                        assertFalse(
                                schemaRefuses,
                                name + " is listed as beyond the schema, but the schema refuses it: "
                                        + json.map(schema::validate).orElse(Set.of())
                                        + "; take it off SCHEMA_CANNOT_EXPRESS");
                    } else {
                        assertTrue(schemaRefuses, "the schema accepts " + name + ", which the parser refuses");
                    }
                }));
    }

    /** The document as JSON, read the way an editor's YAML plugin reads it; empty when it is not YAML. */
    private static Optional<JsonNode> yamlAsJson(String text) {
        try {
            Object value = new Yaml(new LoaderOptions()).load(text);
            return Optional.of(JSON.valueToTree(value));
        } catch (YAMLException e) {
            return Optional.empty();
        }
    }
}
