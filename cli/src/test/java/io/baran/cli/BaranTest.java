package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.ActionCatalog;
import io.baran.runbook.RunbookSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaranTest {

    private static final Path ROOT = Path.of(System.getProperty("baran.root", ".."));
    private static final Path GOLDEN = ROOT.resolve("libs/runbook-model/src/test/resources/invalid");
    private static final Path GOLDEN_PROVIDERS =
            ROOT.resolve("libs/runbook-model/src/test/resources/providers.properties");

    private record Result(int status, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    private static Result baran(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Baran(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theRunbooksOfTheProjectPassWithTheirProviders() {
        Result r = baran(
                "lint",
                "--providers",
                ROOT.resolve("runbooks/examples/providers.properties").toString(),
                "--providers",
                GOLDEN_PROVIDERS.toString(),
                ROOT.resolve("runbooks").toString());
        assertEquals(Baran.OK, r.status(), r.out() + r.err());
        assertEquals("", r.out());
        assertTrue(r.err().endsWith("files checked: every runbook is valid\n"), r.err());
    }

    @Test
    void everyGoldenCaseFailsWithExactlyTheOrchestratorsMessages() throws IOException {
        Result r = baran("lint", "--providers", GOLDEN_PROVIDERS.toString(), GOLDEN.toString());
        assertEquals(Baran.INVALID, r.status());
        List<String> expected = new ArrayList<>();
        try (Stream<Path> files = Files.list(GOLDEN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".errors.txt"))
                    .sorted()
                    .toList()) {
                Files.readAllLines(file)
                        .forEach(line -> expected.add(GOLDEN + "/" + line.substring("invalid/".length())));
            }
        }
        assertEquals(expected, r.lines());
        long cases;
        try (Stream<Path> files = Files.list(GOLDEN)) {
            cases = files.filter(f -> f.toString().endsWith(".yaml")).count();
        }
        assertTrue(
                r.err().startsWith(cases + " files checked: " + expected.size() + " errors in " + cases + " files"),
                r.err());
    }

    @Test
    void withoutAProviderListProviderNamesAreNotChecked() {
        Result r = baran("lint", GOLDEN.resolve("unknown-provider.yaml").toString());
        assertEquals(Baran.OK, r.status(), r.out());
        assertTrue(r.err().contains("provider names not checked"), r.err());
    }

    @Test
    void githubFormatAnnotatesTheLine() {
        Result r = baran(
                "lint", "--format", "github", GOLDEN.resolve("wrong-kind.yaml").toString());
        assertEquals(Baran.INVALID, r.status());
        assertEquals(
                List.of("::error file=" + GOLDEN.resolve("wrong-kind.yaml")
                        + ",line=2,col=7::kind: \"Playbook\" is not supported (use Runbook)"),
                r.lines());
    }

    @Test
    void twoFilesMayNotDefineOneRunbook(@TempDir Path dir) throws IOException {
        String runbook = Files.readString(ROOT.resolve("runbooks/demo-web.yaml"));
        Files.writeString(dir.resolve("a.yaml"), runbook);
        Files.createDirectories(dir.resolve("more"));
        Files.writeString(dir.resolve("more/b.yml"), runbook);
        Result r = baran("lint", dir.toString());
        assertEquals(Baran.INVALID, r.status());
        assertEquals(
                List.of(dir.resolve("more/b.yml")
                        + " metadata.name: \"demo-web\" is already the name of the runbook in "
                        + dir.resolve("a.yaml")),
                r.lines());
    }

    /**
     * The orchestrator's own application.properties names its providers in the local profile only: linted with it,
     * the runbooks are checked as that orchestrator checks them, with --profile local against the local stack's
     * providers, without a profile not at all (the orchestrator then checks no provider name either).
     */
    @Test
    void providerNamesAreCheckedAsTheOrchestratorOfThatProfileChecksThem(@TempDir Path dir) throws IOException {
        String orchestrator = ROOT.resolve("orchestrator-service/src/main/resources/application.properties")
                .toString();
        Path runbook = dir.resolve("web.yaml");
        Files.writeString(runbook, Files.readString(ROOT.resolve("runbooks/demo-web.yaml")));

        Result local = baran("lint", "--providers", orchestrator, "--profile", "local", runbook.toString());
        assertEquals(Baran.OK, local.status(), local.out() + local.err());
        assertTrue(local.err().endsWith("1 file checked: every runbook is valid\n"), local.err());

        Result noProfile = baran("lint", "--providers", orchestrator, runbook.toString());
        assertEquals(Baran.OK, noProfile.status(), noProfile.out() + noProfile.err());
        assertTrue(
                noProfile
                        .err()
                        .contains("provider names not checked: the --providers files name none, without --profile"),
                noProfile.err());

        Files.writeString(runbook, Files.readString(runbook).replace("aws-local", "aws-elsewhere"));
        Result unknown = baran("lint", "--providers", orchestrator, "--profile", "local", runbook.toString());
        assertEquals(Baran.INVALID, unknown.status(), unknown.out() + unknown.err());
        assertTrue(unknown.out().contains("aws-elsewhere"), unknown.out());
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(Baran.USAGE, baran().status());
        assertEquals(Baran.USAGE, baran("lint").status());
        assertEquals(Baran.USAGE, baran("lint", "no/such/folder").status());
        assertEquals(Baran.USAGE, baran("lint", "--format", "xml", "runbooks").status());
        assertEquals(Baran.USAGE, baran("frobnicate").status());
        Result badProviders = baran(
                "lint", "--providers", GOLDEN.resolve("../no-such.properties").toString(), GOLDEN.toString());
        assertEquals(Baran.USAGE, badProviders.status());
        assertTrue(badProviders.err().startsWith("baran: cannot read the --providers file"), badProviders.err());
    }

    @Test
    void schemaPrintsThePublishedSchema() throws IOException {
        Result r = baran("schema");
        assertEquals(Baran.OK, r.status());
        assertEquals(RunbookSchema.text(ActionCatalog.standard()), r.out());
        assertEquals(Files.readString(ROOT.resolve("runbooks/runbook.schema.json")), r.out());
    }
}
