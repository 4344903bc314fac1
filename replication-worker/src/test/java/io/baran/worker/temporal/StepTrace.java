package io.baran.worker.temporal;

import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import java.util.List;

/** What {@link StepDriverWorkflow} saw: the plan, each apply's outcome, and the undo's (null when not asked). */
public record StepTrace(StepPlan plan, List<StepOutcome> applies, StepOutcome undo) {}
