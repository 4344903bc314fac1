package io.baran.orchestrator.api;

import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.StepState;
import io.baran.workflow.StepStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExecutionViewsTest {

    private static ExecutionProgress withSteps(StepStatus... steps) {
        return new ExecutionProgress("x", "shop", "shop", Mode.DRILL, Phase.DONE, null, List.of(steps), null, null, null, null,
                1, null, List.of(), 0);
    }

    private static StepStatus step(String name, String action, String summary) {
        return new StepStatus(name, action, StepState.PASSED, summary, null, 1L, 2L, Map.of());
    }

    @Test
    void theRpoIsTheLargestLagAReplicaCheckMeasured() {
        var p = withSteps(step("assets", "storage.check-replica", "RPO 12.3s (maxLag 5m): gcp-dr:gs://assets holds ..."),
                step("images", "storage.check-replica", "RPO 40s (maxLag 5m): gcp-dr:gs://images holds ..."),
                step("www", "health.check", "RPO 99s is not a replica check"));
        Map<String, Object> rpo = ExecutionViews.rpo(p);
        assertEquals(true, rpo.get("measured"));
        assertEquals(40.0, rpo.get("seconds"));
        assertEquals(2, ((List<?>) rpo.get("steps")).size());
    }

    @Test
    void withoutAReplicaCheckTheRpoIsNotMeasured() {
        assertEquals(false, ExecutionViews.rpo(withSteps(step("www", "health.check", "GET ... answered 200"))).get("measured"));
    }
}
