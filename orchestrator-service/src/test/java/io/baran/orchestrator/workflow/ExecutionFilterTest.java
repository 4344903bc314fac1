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
                new ExecutionFilter("shop", "web", "failed-over", null).query());
        assertEquals("WorkflowType = 'RunbookWorkflow'", ExecutionFilter.NONE.query());
        assertEquals(
                "WorkflowType = 'RunbookWorkflow' AND BaranPhase = 'failed-over' AND BaranMode = 'failover'",
                new ExecutionFilter(null, null, "failed-over", "failover").query());
    }

    @Test
    void aModeIsOneOfTheThree() {
        for (String mode : ExecutionFilter.MODES) {
            assertEquals(mode, new ExecutionFilter(null, null, null, mode).mode());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter(null, null, null, "Failover"));
        assertTrue(e.getMessage().contains("mode \"Failover\" is not one of plan, drill, failover"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter(null, null, null, "drill' OR 'a'='a"));
    }

    @Test
    void blankFiltersAreAbsent() {
        var filter = new ExecutionFilter("", " ", null, "");
        assertNull(filter.runbook());
        assertNull(filter.service());
        assertEquals("WorkflowType = 'RunbookWorkflow'", filter.query());
    }

    @Test
    void hostileValuesAreRefusedEachByName() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new ExecutionFilter("shop' OR 'a'='a", "web\\", "done or 1=1", null));
        assertTrue(e.getMessage().contains("runbook \"shop' OR 'a'='a\" is not a runbook name"), e.getMessage());
        assertTrue(e.getMessage().contains("service \"web\\\" is not a service name"), e.getMessage());
        assertTrue(e.getMessage().contains("phase \"done or 1=1\" is not a phase"), e.getMessage());
    }

    @Test
    void namesAndPhasesOfTheRightShapePass() {
        new ExecutionFilter("demo-web", "a", "awaiting-failback-approval", "failover");
        assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter("Shop", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter("x".repeat(64), null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter(null, null, "failed_over", null));
        assertThrows(IllegalArgumentException.class, () -> new ExecutionFilter(null, "web\n", null, null));
    }
}
