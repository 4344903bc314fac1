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
public class DnsSwitch extends ProviderAction {

    public static final String NAME = "dns.switch";

    @Inject
    public DnsSwitch(Providers providers) {
        super(NAME, providers);
    }

    @Override
    public StepPlan plan(StepCommand command) {
        DnsSwitchInput in = DnsSwitchInput.bind(command);
        DnsProvider dns = providers.dns(in.provider());
        DnsZone zone = dns.zone(in.zoneFqdn());
        RecordState current = dns.observe(zone, in.recordFqdn(), in.type());
        RecordState desired = RecordState.present(in.values(), in.ttl());
        boolean changes = !current.sameAs(desired, in.type());
        String summary = label(in) + " " + current.describe() + (changes ? " -> " + desired.describe() : " already as wanted")
                + dns.controlPlane().note();
        return new StepPlan(command.step(), NAME, changes, summary, dns.controlPlane().addTo(current.toObserved()),
                desired.toDesired());
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        DnsSwitchInput in = DnsSwitchInput.bind(command);
        PlannedStates<RecordState> states = PlannedStates.of(NAME, command, plan, DnsSwitch::readState);
        return record(in).apply(command.step(), states.observed(), states.desired());
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        DnsSwitchInput in = DnsSwitchInput.bind(command);
        PlannedStates<RecordState> states = PlannedStates.of(NAME, command, plan, DnsSwitch::readState);
        // Undoing a switch that created the record deletes it: RecordState.absent() is the state it restores.
        return record(in).undo(command.step(), states.observed(), states.desired());
    }

    private static RecordState readState(java.util.Map<String, Object> part, String where, boolean desired) {
        return RecordState.fromPlan(part, desired, where);
    }

    /** The record set a step switches, looked up at its provider. */
    private GuardedChange<RecordState> record(DnsSwitchInput in) {
        DnsProvider dns = providers.dns(in.provider());
        DnsZone zone = dns.zone(in.zoneFqdn());
        return new GuardedChange<>() {
            @Override
            protected String label() {
                return DnsSwitch.label(in);
            }

            @Override
            protected RecordState observe() {
                return dns.observe(zone, in.recordFqdn(), in.type());
            }

            @Override
            protected boolean same(RecordState a, RecordState b) {
                return a.sameAs(b, in.type());
            }

            @Override
            protected String describe(RecordState state) {
                return state.describe();
            }

            @Override
            protected void replace(RecordState from, RecordState to) {
                dns.replace(zone, in.recordFqdn(), in.type(), from, to);
            }

            @Override
            protected RuntimeException changedByHand(RecordState current, String expected) {
                return DnsSwitch.changedByHand(in, dns, current, expected);
            }
        };
    }

    private static RuntimeException changedByHand(DnsSwitchInput in, DnsProvider dns, RecordState current, String expected) {
        return Failures.of(FailureTypes.PLAN_UNSAFE, label(in) + " in zone " + in.zoneFqdn() + " of provider " + dns.name()
                + " is now " + current.describe() + ", but " + expected
                + ": it was changed by someone else since; Baran will not overwrite it (check it, then plan again)");
    }

    private static String label(DnsSwitchInput in) {
        return in.recordFqdn() + " " + in.type();
    }
}
