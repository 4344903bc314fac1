package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExecutionFilterTest {

    @Test
    void eachGivenFilterIsOneClause() {
        assertEquals(
                "WorkflowType = 'RunbookWorkflow' AND BaranRunbook = 'shop' AND BaranService = 'web' AND BaranPhase = 'failed-over'",
                new ExecutionFilter("shop", "web", "failed-over").query());
        assertEquals("WorkflowType = 'RunbookWorkflow'", ExecutionFilter.NONE.query());
    }

    @Test
    void blankFiltersAreAbsent() {
        var filter = new ExecutionFilter("", " ", null);
        assertNull(filter.runbook());
        assertNull(filter.service());
        assertEquals("WorkflowType = 'RunbookWorkflow'", filter.query());
    }

    @Test
    void hostileValuesAreRefusedEachByName() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> new ExecutionFilter("shop' OR 'a'='a", "web\\", "done or 1=1"));
        assertTrue(e.getMessage().contains("runbook \"shop' OR 'a'='a\" is not a runbook name"), e.getMessage());
        assertTrue(e.getMessage().contains("service \"web\\\" is not a service name"), e.getMessage());
        assertTrue(e.getMessage().contains("phase \"done or 1=1\" is not a phase"), e.getMessage());
    }

    @Test
    void namesAndPhasesOfTheRightShapePass() {
        new ExecutionFilter("demo-web", "a", "awaiting-failback-approval");
        assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter("Shop", null, null));
        assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter("x".repeat(64), null, null));
        assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter(null, null, "failed_over"));
        assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter(null, "web\n", null));
    }
}
