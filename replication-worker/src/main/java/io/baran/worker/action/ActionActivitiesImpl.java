package io.baran.worker.action;

import io.baran.worker.temporal.ActivityHeartbeat;
import io.baran.worker.temporal.PlanRecorder;
import io.baran.workflow.ActionActivities;
import io.baran.workflow.RecordedPlan;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.baran.workflow.StepRun;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
    public StepRun planAndApply(StepCommand command) {
        Action action = registry.find(command);
        ActivityExecutionContext context = Activity.getExecutionContext();
        // An earlier attempt that recorded its plan may have changed the world since: apply that plan again.
        Optional<StepPlan> recorded =
                context.getHeartbeatDetails(RecordedPlan.class).map(RecordedPlan::plan);
        AtomicReference<StepPlan> carried = new AtomicReference<>(recorded.orElse(null));
        try {
            StepRun run;
            if (recorded.isPresent()) {
                LOG.infof(
                        "execution %s step %s (%s) attempt %d applies the plan an earlier attempt recorded: %s",
                        command.executionId(),
                        command.step(),
                        command.action(),
                        context.getInfo().getAttempt(),
                        recorded.get().summary());
                run = new StepRun(
                        recorded.get(),
                        ActivityHeartbeat.carrying(carried, () -> action.apply(command, recorded.get())));
            } else {
                run = ActivityHeartbeat.carrying(
                        carried,
                        // Heartbeats sent from the recording on carry the plan, so none can replace it on the server
                        // with a bare line.
                        () -> action.planAndApply(command, plan -> PlanRecorder.record(context, plan, carried)));
            }
            LOG.infof(
                    "execution %s step %s (%s) plan: %s; apply: %s",
                    command.executionId(),
                    command.step(),
                    command.action(),
                    run.plan().summary(),
                    run.outcome().summary());
            return run;
        } catch (TemporalFailure | ActivityCompletionException e) {
            throw e instanceof ApplicationFailure failure ? withPlan(failure, carried.get()) : e;
        } catch (RuntimeException e) {
            if (carried.get() == null || !carried.get().changes()) {
                throw e;
            }
            // As the SDK would report it (type: the exception's class, retryable), with the plan attached.
            throw withPlan(
                    ApplicationFailure.newBuilder()
                            .setMessage(e.getMessage())
                            .setType(e.getClass().getName())
                            .setCause(e)
                            .build(),
                    carried.get());
        }
    }

    /** The same failure (type, retryability, delay), carrying the plan for the workflow's undo when it changes anything. */
    private static ApplicationFailure withPlan(ApplicationFailure failure, StepPlan plan) {
        if (plan == null || !plan.changes()) {
            return failure;
        }
        return ApplicationFailure.newBuilder(failure)
                .setDetails(new RecordedPlan(plan, "failed: " + failure.getOriginalMessage()))
                .build();
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
