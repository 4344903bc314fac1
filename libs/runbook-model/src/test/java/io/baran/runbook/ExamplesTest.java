package io.baran.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every runbook in runbooks/ (examples included) loads, and tells editors where its schema is. */
class ExamplesTest {

    static List<Path> examples() {
        List<Path> files = TestFiles.yamlFiles(TestFiles.root().resolve("runbooks"));
        assertFalse(files.isEmpty(), "no runbooks under runbooks/");
        return files;
    }

    @TestFactory
    Stream<DynamicTest> everyExampleLoadsWithoutError() {
        RunbookParser parser = new RunbookParser(ActionCatalog.standard(), TestFiles.providers());
        return examples().stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    Runbook runbook = parser.parse(file.toString(), TestFiles.read(file));
                    assertFalse(runbook.failover().isEmpty());
                }));
    }

    @TestFactory
    Stream<DynamicTest> everyExampleNamesThePublishedSchemaForEditors() {
        Path schema = TestFiles.root().resolve("runbooks/runbook.schema.json").normalize();
        return examples().stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    String first = TestFiles.read(file).lines().findFirst().orElse("");
                    assertTrue(
                            first.startsWith("# yaml-language-server: $schema="),
                            file + " does not start with the schema line");
                    Path named = file.getParent()
                            .resolve(first.substring(first.indexOf('=') + 1).trim())
                            .normalize();
                    assertEquals(schema, named, file + " names a schema that is not runbooks/runbook.schema.json");
                    assertTrue(Files.exists(named));
                }));
    }

    @TestFactory
    Stream<DynamicTest> theTopLevelRunbooksLoadAsTheServiceLoadsThem() {
        var loaded = new RunbookDirectory(new RunbookParser(ActionCatalog.standard(), TestFiles.providers()))
                .load(TestFiles.root().resolve("runbooks"));
        return Stream.of(DynamicTest.dynamicTest("runbooks/", () -> {
            assertEquals(List.of(), loaded.errors());
            assertTrue(loaded.runbooks().stream().anyMatch(r -> r.name().equals("demo-web")));
        }));
    }
}
