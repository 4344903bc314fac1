package io.baran.worker.action;

import io.baran.workflow.ActionActivities;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The activities the orchestrator's workflow calls: each call goes to the action its step names. */
@Singleton
public class ActionActivitiesImpl implements ActionActivities {

    private static final Logger LOG = Logger.getLogger(ActionActivitiesImpl.class);

    private final ActionRegistry registry;

    @Inject
    public ActionActivitiesImpl(ActionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public StepPlan plan(StepCommand command) {
        StepPlan plan = registry.find(command).plan(command);
        LOG.infof(
                "execution %s step %s (%s) plan: %s",
                command.executionId(), command.step(), command.action(), plan.summary());
        return plan;
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        StepOutcome outcome = registry.find(command).apply(command, plan);
        LOG.infof(
                "execution %s step %s (%s) apply: %s",
                command.executionId(), command.step(), command.action(), outcome.summary());
        return outcome;
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        StepOutcome outcome = registry.find(command).undo(command, plan);
        LOG.infof(
                "execution %s step %s (%s) undo: %s",
                command.executionId(), command.step(), command.action(), outcome.summary());
        return outcome;
    }
}
