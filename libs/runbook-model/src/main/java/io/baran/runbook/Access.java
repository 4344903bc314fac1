package io.baran.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collection;
import java.util.List;

/**
 * {@code spec.access}: which groups of the identity provider may act on this runbook. Deny by default: an
 * action whose list is empty is allowed to nobody but an {@code admin}. The global role an action needs
 * ({@code drill-operator}, {@code failover-operator}, {@code approver}) is checked as well; this narrows it
 * per runbook.
 *
 * @param drill     groups that may drill (and plan) this runbook
 * @param failover  groups that may start a real failover of it, ask for failback or abort it
 * @param approve   groups whose members may approve or reject what its executions wait for
 * @param approvals how many distinct people must approve a live failover's start and failback (at least 1);
 *                  the person who started the execution never counts
 */
public record Access(List<String> drill, List<String> failover, List<String> approve, int approvals) {

    /** Nobody but an admin may do anything: what a runbook without {@code spec.access} gets. */
    public static final Access NONE = new Access(List.of(), List.of(), List.of(), 1);

    public Access {
        drill = drill == null ? List.of() : List.copyOf(drill);
        failover = failover == null ? List.of() : List.copyOf(failover);
        approve = approve == null ? List.of() : List.copyOf(approve);
        approvals = Math.max(1, approvals);
    }

    @JsonIgnore
    public boolean mayDrill(Collection<String> groups) {
        return intersects(drill, groups);
    }

    @JsonIgnore
    public boolean mayFailover(Collection<String> groups) {
        return intersects(failover, groups);
    }

    @JsonIgnore
    public boolean mayApprove(Collection<String> groups) {
        return intersects(approve, groups);
    }

    private static boolean intersects(List<String> allowed, Collection<String> groups) {
        return groups != null && allowed.stream().anyMatch(groups::contains);
    }
}
