package io.baran.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code invalid/<case>.yaml} is refused with exactly the errors in {@code invalid/<case>.errors.txt},
 * one per line, in reading order. After a deliberate change of messages, rewrite the expected files with
 * {@code ./mvnw -pl libs/runbook-model test -Dbaran.regenerate=true} and review the diff.
 */
class GoldenFilesTest {

    static final Path CASES = TestFiles.resource("invalid");
    private final RunbookParser parser = new RunbookParser(ActionCatalog.standard(), TestFiles.providers());

    static List<Path> cases() {
        return TestFiles.yamlFiles(CASES);
    }

    static String caseName(Path yaml) {
        return yaml.getFileName().toString().replaceFirst("\\.yaml$", "");
    }

    @Test
    void thereAreAtLeastThirtyCasesEachWithItsExpectedErrors() {
        assertTrue(cases().size() >= 30, "only " + cases().size() + " golden cases");
        for (Path yaml : cases()) {
            assertTrue(Files.exists(expectedFile(yaml)) || TestFiles.regenerate(), "missing " + expectedFile(yaml));
        }
    }

    @TestFactory
    Stream<DynamicTest> eachInvalidRunbookGetsExactlyItsExpectedErrors() {
        return cases().stream()
                .map(yaml -> DynamicTest.dynamicTest(caseName(yaml), () -> {
                    List<String> actual =
                            parser.validate("invalid/" + yaml.getFileName(), TestFiles.read(yaml)).stream()
                                    .map(RunbookError::toString)
                                    .toList();
                    assertFalse(actual.isEmpty(), yaml + " is valid, but every golden case must be refused");
                    Path expected = expectedFile(yaml);
                    if (TestFiles.regenerate()) {
                        Files.writeString(sourceOf(expected), String.join("\n", actual) + "\n");
                        return;
                    }
                    assertEquals(
                            String.join("\n", Files.readAllLines(expected)),
                            String.join("\n", actual),
                            "errors of " + yaml.getFileName());
                }));
    }

    static Path expectedFile(Path yaml) {
        return yaml.resolveSibling(caseName(yaml) + ".errors.txt");
    }

    /** The file under src/test/resources that target/test-classes was copied from. */
    private static Path sourceOf(Path copied) throws IOException {
        Path source = TestFiles.root()
                .resolve("libs/runbook-model/src/test/resources/invalid")
                .resolve(copied.getFileName());
        Files.createDirectories(source.getParent());
        return source;
    }
}
