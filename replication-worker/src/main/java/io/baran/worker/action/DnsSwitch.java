package io.baran.worker.action;

import io.baran.runbook.BoundWith;
import io.baran.runbook.action.DnsNames;
import io.baran.worker.Failures;
import io.baran.worker.provider.DnsProvider;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.RecordState;
import io.baran.worker.provider.RecordType;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.baran.workflow.StepRun;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

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

    /**
     * The step's {@code with:} block as the provider needs it.
     *
     * @param zoneFqdn   the zone, fully qualified with its trailing dot, lower case
     * @param recordFqdn the record, fully qualified with its trailing dot, lower case
     * @param values     the new values as the provider stores them (CNAME with a trailing dot, TXT quoted)
     */
    public record Input(
            String provider, String zoneFqdn, String recordFqdn, RecordType type, List<String> values, int ttl) {}

    @Override
    public Input input(BoundWith with) {
        RecordType type = RecordType.valueOf(with.text("type"));
        return new Input(
                with.text("provider"),
                DnsNames.zoneFqdn(with.text("zone")),
                DnsNames.recordFqdn(with.text("record"), with.text("zone")),
                type,
                with.texts("to").stream().map(type::toWire).toList(),
                Math.toIntExact(with.number("ttl")));
    }

    /** The step's input; fails (InvalidInput) with every violation of the with: block. */
    public Input input(StepCommand command) {
        return input(StepInput.bind(this, command));
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = input(command);
        DnsProvider dns = providers.dns(in.provider());
        DnsZone zone = dns.zone(in.zoneFqdn());
        return planFrom(command, in, dns, dns.observeForPlan(zone, in.recordFqdn(), in.type()));
    }

    /**
     * Where the provider observes the record just before changing it (Route 53's zone batches), the plan is made from
     * that observation and recorded there, before the batch is sent: the step reads the zone once, not twice.
     */
    @Override
    public StepRun planAndApply(StepCommand command, PlanRecord recorder) {
        Input in = input(command);
        DnsProvider dns = providers.dns(in.provider());
        DnsZone zone = dns.zone(in.zoneFqdn());
        RecordState desired = RecordState.present(in.values(), in.ttl());
        AtomicReference<StepPlan> planned = new AtomicReference<>();
        AtomicReference<RecordState> found = new AtomicReference<>();
        Boolean changed = dns.planAndReplace(zone, in.recordFqdn(), in.type(), desired, current -> {
            StepPlan plan = planFrom(command, in, dns, current);
            if (plan.changes()) {
                recorder.record(plan);
            }
            found.set(current);
            planned.set(plan);
        });
        if (changed == null) {
            return super.planAndApply(command, recorder);
        }
        StepPlan plan = planned.get();
        String label = label(in);
        StepOutcome outcome = changed
                ? new StepOutcome(
                        command.step(), true, label + " " + found.get().describe() + " -> " + desired.describe())
                : new StepOutcome(command.step(), false, label + " already " + desired.describe());
        return new StepRun(plan, outcome);
    }

    private StepPlan planFrom(StepCommand command, Input in, DnsProvider dns, RecordState current) {
        RecordState desired = RecordState.present(in.values(), in.ttl());
        boolean changes = !current.sameAs(desired, in.type());
        String summary =
                label(in) + " " + current.describe() + (changes ? " -> " + desired.describe() : " already as wanted")
                        + dns.controlPlane().note();
        return new StepPlan(
                command.step(),
                NAME,
                changes,
                summary,
                dns.controlPlane().addTo(current.toObserved()),
                desired.toDesired());
    }

    /**
     * The zone's record-set quota: a switch that creates its record (absent when planned) needs one more record set, and
     * is refused in a full zone. A switch of an existing record needs none now, but reports the quota too: were the
     * record deleted before the outage, the switch would have to create it.
     */
    @Override
    public List<StepCheck.Quota> quotas(StepCommand command, StepPlan plan) {
        Input in = input(command);
        DnsProvider dns = providers.dns(in.provider());
        long needs = Boolean.TRUE.equals(plan.observed().get("exists")) ? 0 : 1;
        return RecordSetQuotas.of(dns, dns.zone(in.zoneFqdn()), needs);
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        Input in = input(command);
        PlannedStates<RecordState> states = PlannedStates.of(NAME, command, plan, DnsSwitch::readState);
        return record(in).apply(command.step(), states.observed(), states.desired());
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        Input in = input(command);
        PlannedStates<RecordState> states = PlannedStates.of(NAME, command, plan, DnsSwitch::readState);
        // Undoing a switch that created the record deletes it: RecordState.absent() is the state it restores.
        return record(in).undo(command.step(), states.observed(), states.desired());
    }

    private static RecordState readState(java.util.Map<String, Object> part, String where, boolean desired) {
        return RecordState.fromPlan(part, desired, where);
    }

    /** The record set a step switches, looked up at its provider. */
    private GuardedChange<RecordState> record(Input in) {
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
            protected Boolean replaceIfStill(RecordState from, RecordState to) {
                return dns.replaceIfStill(zone, in.recordFqdn(), in.type(), from, to);
            }

            @Override
            protected RuntimeException changedByHand(RecordState current, String expected) {
                return DnsSwitch.changedByHand(in, dns, current, expected);
            }
        };
    }

    private static RuntimeException changedByHand(Input in, DnsProvider dns, RecordState current, String expected) {
        return Failures.of(
                FailureTypes.PLAN_UNSAFE,
                label(in) + " in zone " + in.zoneFqdn() + " of provider " + dns.name()
                        + " is now " + current.describe() + ", but " + expected
                        + ": it was changed by someone else since; Baran will not overwrite it (check it, then plan again)");
    }

    private static String label(Input in) {
        return in.recordFqdn() + " " + in.type();
    }
}
