package io.baran.worker.action;

import io.baran.runbook.BoundWith;
import io.baran.runbook.action.DnsNames;
import io.baran.worker.Failures;
import io.baran.worker.provider.Capability;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.DnsProvider;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.RecordType;
import io.baran.worker.provider.RecordWeights;
import io.baran.worker.provider.WeightedDns;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code dns.set-weights}: shifts traffic between the record sets of a weighted set by changing their
 * weights (e.g. primary 100 → 0, standby 0 → 100), all in one change; what each record set points at is
 * left alone, and so are the sets the step does not name. Undo puts back the weights the plan observed.
 * A set changed by hand since the plan is never overwritten.
 */
@Singleton
public class DnsSetWeights extends ProviderAction {

    public static final String NAME = "dns.set-weights";

    @Inject
    public DnsSetWeights(Providers providers) {
        super(NAME, providers);
    }

    /**
     * The step's {@code with:} block as the provider needs it.
     *
     * @param weights the new weight of each named record set, by set identifier
     */
    public record Input(
            String provider, String zoneFqdn, String recordFqdn, RecordType type, Map<String, Long> weights) {}

    @Override
    public Input input(BoundWith with) {
        return new Input(
                with.text("provider"),
                DnsNames.zoneFqdn(with.text("zone")),
                DnsNames.recordFqdn(with.text("record"), with.text("zone")),
                RecordType.valueOf(with.text("type")),
                Map.copyOf(with.numbers("weights")));
    }

    /** The step's input; fails (InvalidInput) with every violation of the with: block. */
    public Input input(StepCommand command) {
        return input(StepInput.bind(this, command));
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = input(command);
        WeightedSet set = weightedSet(in);
        RecordWeights all = set.dns.observeWeights(set.zone, in.recordFqdn(), in.type());
        TreeSet<String> unknown = new TreeSet<>(in.weights().keySet());
        unknown.removeAll(all.weights().keySet());
        if (!unknown.isEmpty()) {
            throw Failures.of(
                    FailureTypes.INVALID_INPUT,
                    "step " + command.step() + " (" + NAME + "): " + label(in)
                            + " in zone " + in.zoneFqdn() + " of provider " + in.provider()
                            + (all.weights().isEmpty()
                                    ? " is not a weighted record set (there is no record set of that name and type)"
                                    : " has no weighted record set " + String.join(", ", unknown) + " (it has: "
                                            + String.join(", ", all.weights().keySet()) + ")"));
        }
        RecordWeights observed = all.only(in.weights().keySet());
        RecordWeights desired = new RecordWeights(in.weights());
        boolean changes = !observed.equals(desired);
        String summary = label(in) + " weights " + (changes ? observed.diff(desired) : "already " + desired.describe())
                + shares(all, desired) + set.controlPlane.note();
        return new StepPlan(
                command.step(), NAME, changes, summary, set.controlPlane.addTo(observed.toMap()), desired.toMap());
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        Input in = input(command);
        PlannedStates<RecordWeights> states = PlannedStates.of(NAME, command, plan, RecordWeights::fromPlan);
        return weights(in).apply(command.step(), states.observed(), states.desired());
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        Input in = input(command);
        PlannedStates<RecordWeights> states = PlannedStates.of(NAME, command, plan, RecordWeights::fromPlan);
        return weights(in).undo(command.step(), states.observed(), states.desired());
    }

    /** The share of the traffic each record set gets once the desired weights are set, e.g. {@code ; traffic: primary 0%, standby 100%}. */
    private static String shares(RecordWeights all, RecordWeights desired) {
        Map<String, Long> after = new java.util.TreeMap<>(all.weights());
        after.putAll(desired.weights());
        long total = after.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return "; traffic: every record set weighs 0, so the provider answers with all of them equally";
        }
        return "; traffic: "
                + after.entrySet().stream()
                        .map(e -> e.getKey() + " " + Math.round(100.0 * e.getValue() / total) + "%")
                        .collect(Collectors.joining(", "));
    }

    /** The weighted set a step names, at a provider that declares it can change weights. */
    private record WeightedSet(WeightedDns dns, DnsZone zone, io.baran.worker.provider.ControlPlane controlPlane) {}

    private WeightedSet weightedSet(Input in) {
        ConfiguredProvider provider = providers.require(in.provider(), Capability.DNS_ROUTING_POLICIES);
        DnsProvider dns = providers.dns(in.provider());
        if (!(provider.dns() instanceof WeightedDns weighted)) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "provider " + in.provider() + " (type " + provider.type() + ") declares "
                            + Capability.DNS_ROUTING_POLICIES + " but its DNS adapter cannot change weights");
        }
        return new WeightedSet(weighted, dns.zone(in.zoneFqdn()), dns.controlPlane());
    }

    private GuardedChange<RecordWeights> weights(Input in) {
        WeightedSet set = weightedSet(in);
        return new GuardedChange.OfPlanState<>() {
            @Override
            protected String label() {
                return DnsSetWeights.label(in) + " weights";
            }

            @Override
            protected RecordWeights observe() {
                return set.dns
                        .observeWeights(set.zone, in.recordFqdn(), in.type())
                        .only(in.weights().keySet());
            }

            @Override
            protected void replace(RecordWeights from, RecordWeights to) {
                set.dns.replaceWeights(set.zone, in.recordFqdn(), in.type(), from, to);
            }

            @Override
            protected RuntimeException changedByHand(RecordWeights current, String expected) {
                return Failures.of(
                        FailureTypes.PLAN_UNSAFE,
                        DnsSetWeights.label(in) + " in zone " + in.zoneFqdn() + " of provider "
                                + in.provider() + " now weighs "
                                + (current.weights().isEmpty()
                                        ? "nothing (its record sets are gone)"
                                        : current.describe())
                                + ", but " + expected
                                + ": it was changed by someone else since; Baran will not overwrite it (check it, then plan again)");
            }
        };
    }

    private static String label(Input in) {
        return in.recordFqdn() + " " + in.type();
    }
}
