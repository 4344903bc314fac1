package io.baran.security;

/**
 * The roles of Baran's APIs, as groups in the bearer token's roles claim ({@code groups} by default,
 * {@code quarkus.oidc.roles.role-claim-path}). A runbook's {@code spec.access} narrows the operator and approver
 * roles per runbook.
 */
public final class Roles {

    /** Reads everything: runbooks, executions, reports, targets, providers, the audit trail. */
    public static final String VIEWER = "viewer";
    /** Writes and deletes runbooks, and validates them. */
    public static final String RUNBOOK_AUTHOR = "runbook-author";
    /** Starts drills and plans of the runbooks whose {@code spec.access.drill} names one of their groups. */
    public static final String DRILL_OPERATOR = "drill-operator";
    /** Starts real failovers, asks for failback and aborts, where {@code spec.access.failover} allows. */
    public static final String FAILOVER_OPERATOR = "failover-operator";
    /** Approves or rejects what an execution waits for, where {@code spec.access.approve} allows. */
    public static final String APPROVER = "approver";
    /**
     * Everything, on every runbook, and break-glass: may approve alone (even their own failover) when they
     * give a reason; such a decision is flagged in the audit trail.
     */
    public static final String ADMIN = "admin";

    private Roles() {}
}
