package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.SearchAttributes;
import org.junit.jupiter.api.Test;

class VisibilityQueryTest {

    /** What Temporal's query tokenizer reads back from a single-quoted literal (backslash escapes, '' as a quote). */
    private static String unquote(String literal) {
        assertTrue(literal.startsWith("'") && literal.endsWith("'"), literal);
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            if (c == '\\') {
                out.append(literal.charAt(++i));
            } else if (c == '\'') {
                if (literal.charAt(i + 1) != '\'') {
                    throw new AssertionError("the literal ends early, at " + i + ": " + literal);
                }
                out.append(literal.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Test
    void valuesAreSingleQuotedLiterals() {
        assertEquals(
                "WorkflowType = 'RunbookWorkflow' AND BaranRunbook = 'shop'",
                VisibilityQuery.where()
                        .equal("WorkflowType", "RunbookWorkflow")
                        .equal(SearchAttributes.RUNBOOK, "shop")
                        .build());
    }

    @Test
    void aQuoteInAValueCannotEndItsLiteralOrAddAClause() {
        String hostile = "shop' OR BaranRunbook = 'x";
        String query =
                VisibilityQuery.where().equal(SearchAttributes.RUNBOOK, hostile).build();
        assertEquals("BaranRunbook = 'shop\\' OR BaranRunbook = \\'x'", query);
        assertEquals(hostile, unquote(query.substring("BaranRunbook = ".length())));
    }

    @Test
    void aBackslashCannotEscapeTheClosingQuote() {
        for (String hostile : new String[] {"shop\\", "shop\\' or 'a' = 'a", "\\\\'", "'", "''", "\\"}) {
            String literal = VisibilityQuery.literal(hostile);
            assertEquals(hostile, unquote(literal), literal);
        }
        assertEquals("'shop\\\\'", VisibilityQuery.literal("shop\\"));
    }

    @Test
    void orAndOtherKeywordsInAValueStayText() {
        String query = VisibilityQuery.where()
                .equal(SearchAttributes.PHASE, "done or 1=1 order by StartTime")
                .build();
        assertEquals("BaranPhase = 'done or 1=1 order by StartTime'", query);
    }

    @Test
    void controlCharactersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> VisibilityQuery.literal("shop\n OR x = 'y'"));
        assertThrows(IllegalArgumentException.class, () -> VisibilityQuery.literal("shop\0"));
    }

    @Test
    void attributeNamesMustBeIdentifiers() {
        assertThrows(
                IllegalArgumentException.class,
                () -> VisibilityQuery.where().equal("BaranRunbook = 'x' OR WorkflowType", "y"));
        assertThrows(
                IllegalArgumentException.class, () -> VisibilityQuery.where().equal("", "y"));
    }

    @Test
    void absentOrBlankOptionalValuesAddNoClause() {
        assertEquals(
                "WorkflowType = 'RunbookWorkflow'",
                VisibilityQuery.where()
                        .equal("WorkflowType", "RunbookWorkflow")
                        .equalIfPresent(SearchAttributes.RUNBOOK, null)
                        .equalIfPresent(SearchAttributes.SERVICE, "  ")
                        .build());
        assertThrows(
                IllegalArgumentException.class, () -> VisibilityQuery.where().equal("WorkflowType", null));
    }
}
