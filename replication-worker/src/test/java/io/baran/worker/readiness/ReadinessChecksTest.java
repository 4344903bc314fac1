package io.baran.worker.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.ActionType;
import io.baran.runbook.BoundWith;
import io.baran.worker.Failures;
import io.baran.worker.action.Action;
import io.baran.worker.action.ActionRegistry;
import io.baran.worker.budget.CallPriority;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a readiness check makes of a provider call that fails: a throttled one says nothing of the step. */
class ReadinessChecksTest {

    @Test
    void aCheckTheBudgetOrTheProviderHeldBackIsNotCheckedNotNotReady() {
        FailingPlan action = new FailingPlan(FailureTypes.PROVIDER_THROTTLED, "the API budget has no token left");

        StepCheck check = new ReadinessChecks(new ActionRegistry(List.of(action))).check(command());

        assertEquals(StepCheck.NOT_CHECKED, check.status(), check.toString());
        assertTrue(
                check.reasons().get(0).contains("the API budget has no token left"),
                check.reasons().toString());
        assertEquals(CallPriority.BACKGROUND, action.tier.get(), "a readiness check calls at the background tier");
    }

    @Test
    void aCheckWhoseProviderCannotBeReachedIsNotReady() {
        FailingPlan action = new FailingPlan(FailureTypes.PROVIDER_UNAVAILABLE, "connection refused");

        StepCheck check = new ReadinessChecks(new ActionRegistry(List.of(action))).check(command());

        assertEquals(StepCheck.NOT_READY, check.status(), check.toString());
        assertEquals(List.of("connection refused"), check.reasons());
    }

    private static StepCommand command() {
        return new StepCommand(
                "readiness", "switch", "dns.switch", Map.of("provider", "aws", "zone", "example.com", "record", "www"));
    }

    /** dns.switch whose plan fails with the given type, noting the tier it was called at. */
    private static final class FailingPlan implements Action {
        final AtomicInteger tier = new AtomicInteger();
        private final String type;
        private final String message;

        FailingPlan(String type, String message) {
            this.type = type;
            this.message = message;
        }

        @Override
        public String name() {
            return "dns.switch";
        }

        @Override
        public ActionType type() {
            throw new UnsupportedOperationException("a test action");
        }

        @Override
        public Object input(BoundWith with) {
            throw new UnsupportedOperationException("a test action");
        }

        @Override
        public StepPlan plan(StepCommand command) {
            tier.set(CallPriority.current());
            throw Failures.of(type, message);
        }

        @Override
        public StepOutcome apply(StepCommand command, StepPlan plan) {
            throw new UnsupportedOperationException("a test action");
        }

        @Override
        public StepOutcome undo(StepCommand command, StepPlan plan) {
            throw new UnsupportedOperationException("a test action");
        }
    }
}
