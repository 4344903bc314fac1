package io.baran.worker.action;

import io.baran.worker.Failures;
import io.baran.worker.provider.DnsProvider;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.RecordState;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * {@code dns.switch}: points one record set at new values. Apply and undo each compare the record with
 * the plan first, and change it only when it is exactly as the plan expects: a record someone edited by
 * hand after the plan is never overwritten.
 */
@Singleton
public class DnsSwitch implements Action {

    public static final String NAME = "dns.switch";

    private final Providers providers;

    @Inject
    public DnsSwitch(Providers providers) {
        this.providers = providers;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StepPlan plan(StepCommand command) {
        DnsSwitchInput in = DnsSwitchInput.bind(command);
        DnsProvider dns = providers.dns(in.provider());
        DnsZone zone = dns.zone(in.zoneFqdn());
        RecordState current = dns.observe(zone, in.recordFqdn(), in.type());
        RecordState desired = RecordState.present(in.values(), in.ttl());
        boolean changes = !current.sameAs(desired, in.type());
        String summary = record(in) + " " + current.describe() + (changes ? " -> " + desired.describe() : " already as wanted")
                + dns.controlPlane().note();
        return new StepPlan(command.step(), NAME, changes, summary, dns.controlPlane().addTo(current.toObserved()),
                desired.toDesired());
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        DnsSwitchInput in = DnsSwitchInput.bind(command);
        RecordState observed = observed(command, plan);
        RecordState desired = desired(command, plan);
        DnsProvider dns = providers.dns(in.provider());
        DnsZone zone = dns.zone(in.zoneFqdn());
        RecordState current = dns.observe(zone, in.recordFqdn(), in.type());
        if (current.sameAs(desired, in.type())) {
            return new StepOutcome(command.step(), false, record(in) + " already " + desired.describe());
        }
        if (!current.sameAs(observed, in.type())) {
            throw changedByHand(in, dns, current, "the plan observed " + observed.describe() + " and wants " + desired.describe());
        }
        dns.replace(zone, in.recordFqdn(), in.type(), observed, desired);
        return new StepOutcome(command.step(), true, record(in) + " " + observed.describe() + " -> " + desired.describe());
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        DnsSwitchInput in = DnsSwitchInput.bind(command);
        RecordState observed = observed(command, plan);
        RecordState desired = desired(command, plan);
        DnsProvider dns = providers.dns(in.provider());
        DnsZone zone = dns.zone(in.zoneFqdn());
        RecordState current = dns.observe(zone, in.recordFqdn(), in.type());
        if (current.sameAs(observed, in.type())) {
            return new StepOutcome(command.step(), false, record(in) + " already " + observed.describe());
        }
        if (!current.sameAs(desired, in.type())) {
            throw changedByHand(in, dns, current, "the step set " + desired.describe() + " and would restore "
                    + observed.describe());
        }
        dns.replace(zone, in.recordFqdn(), in.type(), current, observed);
        if (observed.exists()) {
            return new StepOutcome(command.step(), true, record(in) + " restored: " + current.describe() + " -> "
                    + observed.describe());
        }
        // The switch created the record, so undoing it removed it.
        return new StepOutcome(command.step(), true, record(in) + " deleted: " + current.describe()
                + " -> (absent), as before the switch");
    }

    private static RecordState observed(StepCommand command, StepPlan plan) {
        checkPlan(command, plan);
        return RecordState.fromPlan(plan.observed(), false, "plan of step " + command.step() + ": observed");
    }

    private static RecordState desired(StepCommand command, StepPlan plan) {
        return RecordState.fromPlan(plan.desired(), true, "plan of step " + command.step() + ": desired");
    }

    private static void checkPlan(StepCommand command, StepPlan plan) {
        if (plan == null || !NAME.equals(plan.action())) {
            throw Failures.of(FailureTypes.INVALID_INPUT, "step " + command.step() + " (" + NAME + "): the plan given is "
                    + (plan == null ? "missing" : "a plan of action " + plan.action()));
        }
    }

    private static RuntimeException changedByHand(DnsSwitchInput in, DnsProvider dns, RecordState current, String expected) {
        return Failures.of(FailureTypes.PLAN_UNSAFE, record(in) + " in zone " + in.zoneFqdn() + " of provider " + dns.name()
                + " is now " + current.describe() + ", but " + expected
                + ": it was changed by someone else since; Baran will not overwrite it (check it, then plan again)");
    }

    private static String record(DnsSwitchInput in) {
        return in.recordFqdn() + " " + in.type();
    }
}
