package io.baran.runbook;

import io.baran.egress.EgressPolicy;
import io.baran.runbook.action.Approval;
import io.baran.runbook.action.CdnExtendTtl;
import io.baran.runbook.action.DatabasePromoteReplica;
import io.baran.runbook.action.DatabaseSwitchover;
import io.baran.runbook.action.DnsSetWeights;
import io.baran.runbook.action.DnsSwitch;
import io.baran.runbook.action.HealthCheck;
import io.baran.runbook.action.Notify;
import io.baran.runbook.action.StorageCheckReplica;
import io.baran.runbook.action.StorageFailover;
import io.baran.runbook.action.Wait;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of the actions a runbook step may name, one {@link ActionType} class each. Refuses a
 * duplicate name, so two definitions of one action cannot both be loaded. The JSON Schema and the runbook
 * reference are generated from it.
 */
public final class ActionCatalog {

    private final Map<String, ActionType> actions = new LinkedHashMap<>();

    private ActionCatalog(Collection<? extends ActionType> types) {
        for (ActionType type : types) {
            if (actions.putIfAbsent(type.name(), type) != null) {
                throw new IllegalStateException("action " + type.name() + " is defined twice: by "
                        + actions.get(type.name()).getClass().getName() + " and "
                        + type.getClass().getName());
            }
        }
    }

    /** A registry of these actions, in documentation order. */
    public static ActionCatalog of(Collection<? extends ActionType> types) {
        return new ActionCatalog(types);
    }

    /**
     * The actions of the runbook format, with what this version implements. URLs are checked against
     * {@link HealthCheck#ALWAYS_REFUSED} only (metadata and link-local addresses): where no egress policy is known.
     */
    public static ActionCatalog standard() {
        return standard(HealthCheck.ALWAYS_REFUSED);
    }

    /** The actions of the runbook format, literal addresses in URLs checked against the service's egress policy. */
    public static ActionCatalog standard(EgressPolicy egress) {
        return of(List.of(
                new DnsSwitch(),
                new DnsSetWeights(),
                new HealthCheck(egress),
                new Wait(),
                new CdnExtendTtl(),
                new DatabasePromoteReplica(),
                new DatabaseSwitchover(),
                new StorageCheckReplica(),
                new StorageFailover(),
                new Approval(),
                new Notify()));
    }

    public Optional<ActionSpec> find(String name) {
        return type(name).map(ActionType::spec);
    }

    public Optional<ActionType> type(String name) {
        return Optional.ofNullable(name).map(actions::get);
    }

    public Collection<ActionSpec> all() {
        return actions.values().stream().map(ActionType::spec).toList();
    }

    public Collection<ActionType> types() {
        return Collections.unmodifiableCollection(actions.values());
    }

    public List<String> names() {
        return List.copyOf(actions.keySet());
    }
}
