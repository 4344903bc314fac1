package io.baran.worker.readiness;

import io.baran.runbook.ActionCatalog;
import io.baran.runbook.ActionSpec;
import io.baran.worker.action.Action;
import io.baran.worker.action.ActionRegistry;
import io.baran.worker.action.HealthCheck;
import io.baran.worker.action.StorageCheckReplica;
import io.baran.worker.budget.CallPriority;
import io.baran.workflow.ControlPlanes;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.ReadinessActivities;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The deep checks of continuous readiness. Every check only reads: a changing step is planned (its provider observes
 * the current state through the same read calls and credentials the step needs, e.g. Route 53 {@code GetHostedZone}
 * and {@code ListResourceRecordSets}, CloudFront {@code GetDistributionConfig}, RDS {@code DescribeDBInstances}), a
 * {@code health.check} sends its GET once, a {@code storage.check-replica} measures the lag against {@code maxLag}.
 * A planned step also reports the provider quotas it draws on where the provider's API reports them (Route 53
 * {@code GetHostedZoneLimit}); a quota the API does not answer is named as not checked and fails nothing.
 * Apply and undo of a changing step are never called here.
 */
@Singleton
public class ReadinessChecks implements ReadinessActivities {

    private static final Logger LOG = Logger.getLogger(ReadinessChecks.class);
    private static final ActionCatalog CATALOG = ActionCatalog.standard();
    /** A readiness health check gives the standby this long to answer, however long the step itself would wait. */
    static final String HEALTH_WITHIN = "5s";

    private final ActionRegistry registry;

    @Inject
    public ReadinessChecks(ActionRegistry registry) {
        this.registry = registry;
    }

    /**
     * Runs at {@link CallPriority#BACKGROUND}: a check takes the provider's API budget only when no step of an
     * execution waits for it, so readiness rounds never slow a failover down.
     */
    @Override
    public StepCheck check(StepCommand command) {
        return CallPriority.with(CallPriority.BACKGROUND, () -> checkNow(command));
    }

    private StepCheck checkNow(StepCommand command) {
        ActionSpec spec = CATALOG.find(command.action()).orElse(null);
        if (spec == null) {
            return StepCheck.notReady(
                    command.step(), command.action(), "action " + command.action() + " is not a known action");
        }
        if (spec.controlFlow() || "notify".equals(command.action())) {
            return StepCheck.notChecked(
                    command.step(),
                    command.action(),
                    command.action() + " calls no provider: nothing to check before the outage");
        }
        try {
            Action action = registry.find(command);
            return switch (command.action()) {
                case HealthCheck.NAME -> health(action, command);
                case StorageCheckReplica.NAME -> replica(action, command);
                default -> planned(action, command);
            };
        } catch (ApplicationFailure e) {
            if (FailureTypes.PROVIDER_THROTTLED.equals(e.getType())) {
                // The account's API budget went to executions (a failover) or the provider throttled: says nothing of
                // the step's readiness.
                return StepCheck.notChecked(
                        command.step(),
                        command.action(),
                        "not checked this round: the provider's API budget is taken by executions or the provider"
                                + " throttled (" + e.getOriginalMessage() + ")");
            }
            return StepCheck.notReady(command.step(), command.action(), e.getOriginalMessage());
        } catch (RuntimeException e) {
            LOG.debugf(e, "readiness check of step %s failed", command.step());
            return StepCheck.notReady(
                    command.step(),
                    command.action(),
                    "step " + command.step() + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** The standby answers its health check now: one short try, not the step's whole window. */
    private StepCheck health(Action action, StepCommand command) {
        Map<String, Object> with = new HashMap<>(command.with());
        with.put("within", HEALTH_WITHIN);
        with.put("interval", "1s");
        StepCommand quick = new StepCommand(command.executionId(), command.step(), command.action(), with);
        StepPlan plan = action.plan(quick);
        var outcome = action.apply(quick, plan);
        return StepCheck.ok(command.step(), command.action(), outcome.summary());
    }

    /** The replica's lag is within maxLag now; the lag is the RPO an outage now would give. */
    private StepCheck replica(Action action, StepCommand command) {
        StepPlan plan = action.plan(command);
        Double lag = plan.observed().get("lagSeconds") instanceof Number n ? n.doubleValue() : null;
        try {
            var outcome = action.apply(command, plan);
            return new StepCheck(
                    command.step(),
                    command.action(),
                    StepCheck.OK,
                    List.of(),
                    outcome.summary(),
                    null,
                    lag,
                    null,
                    List.of());
        } catch (ApplicationFailure e) {
            return new StepCheck(
                    command.step(),
                    command.action(),
                    StepCheck.NOT_READY,
                    List.of(e.getOriginalMessage()),
                    plan.summary(),
                    null,
                    lag,
                    null,
                    List.of());
        }
    }

    /**
     * A changing step: its plan proves credentials and read access, and shows the record's current TTL and the quotas
     * the step draws on.
     */
    private StepCheck planned(Action action, StepCommand command) {
        StepPlan plan = action.plan(command);
        Long ttl = command.action().startsWith("dns.")
                        && plan.observed().get("ttl") instanceof Number n
                        && !Boolean.FALSE.equals(plan.observed().get("exists"))
                ? n.longValue()
                : null;
        Object region = plan.observed().get(ControlPlanes.REGION_KEY);
        return new StepCheck(
                command.step(),
                command.action(),
                StepCheck.OK,
                List.of(),
                plan.summary(),
                ttl,
                null,
                region == null ? null : region.toString(),
                action.quotas(command, plan));
    }
}
