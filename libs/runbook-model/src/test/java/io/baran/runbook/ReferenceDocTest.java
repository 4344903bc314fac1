package io.baran.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** docs/runbook-reference.md is generated from the action registry; the committed copy must match it. */
class ReferenceDocTest {

    @Test
    void theCommittedReferenceIsTheOneTheRegistryGenerates() throws Exception {
        GeneratedFiles.assertCommitted(
                "docs/runbook-reference.md",
                RunbookReference.markdown(ActionCatalog.standard()),
                "bin/baran reference > docs/runbook-reference.md");
    }

    @Test
    void theReferenceDocumentsEveryActionAndEveryField() {
        String doc = RunbookReference.markdown(ActionCatalog.standard());
        for (ActionSpec action : ActionCatalog.standard().all()) {
            assertTrue(doc.contains("### `" + action.name() + "`"), action.name());
            action.fields()
                    .keySet()
                    .forEach(field -> assertTrue(doc.contains("| `" + field + "` |"), action.name() + "." + field));
        }
    }

    @Test
    void everyDefaultIsStatedInTheReference() {
        for (ActionSpec action : ActionCatalog.standard().all()) {
            for (ActionSpec.Field field : action.fields().values()) {
                if (field.defaultValue() != null) {
                    assertTrue(
                            field.doc().contains("default")
                                    && field.doc().contains(String.valueOf(field.defaultValue())),
                            action.name() + " with." + field.name() + ": the reference must say its default, "
                                    + field.defaultValue());
                }
            }
        }
    }

    /** The error the reference shows is the one its example gives with that mistake, at that line and column. */
    @Test
    void theReferencesErrorExampleIsWhatTheParserSays() {
        String doc = RunbookReference.markdown(ActionCatalog.standard());
        String shown = doc.substring(doc.indexOf("## Errors"));
        shown = shown.substring(shown.indexOf("```\n") + 4);
        shown = shown.substring(0, shown.indexOf("\n"));
        String mistaken =
                RunbookReference.EXAMPLE.replace("expect: 200, within: 5m }", "expect: 200, within: 24hours }");
        assertTrue(!mistaken.equals(RunbookReference.EXAMPLE), "the example's health check changed");

        var errors = new RunbookParser(ActionCatalog.standard(), TestFiles.providers())
                .validate("runbooks/storefront.yaml", mistaken, null);

        assertEquals(
                java.util.List.of(shown),
                errors.stream().map(RunbookError::toString).toList());
    }

    @Test
    void theReferenceExampleIsAValidRunbook() {
        Runbook example = new RunbookParser(ActionCatalog.standard(), TestFiles.providers())
                .parse("example", RunbookReference.EXAMPLE);
        assertEquals("storefront", example.name());
        assertEquals(Failback.EXPLICIT, example.failback().steps());
    }
}
