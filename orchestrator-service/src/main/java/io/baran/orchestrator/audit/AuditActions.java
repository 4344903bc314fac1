package io.baran.orchestrator.audit;

/** The actions people ask of Baran, as the audit trail names them ({@link AuditEntry#action()}). */
public final class AuditActions {

    public static final String DRILL_START = "drill.start";
    public static final String FAILOVER_START = "failover.start";
    /**
     * A game day a person asked for (the detector's {@code POST /api/simulations}), on its simulated incident: the
     * drills started as them and the runbooks their {@code spec.access.drill} refused.
     */
    public static final String GAMEDAY_START = "gameday.start";

    public static final String EXECUTION_APPROVE = "execution.approve";
    public static final String EXECUTION_REJECT = "execution.reject";
    public static final String EXECUTION_FAILBACK = "execution.failback";
    public static final String EXECUTION_ABORT = "execution.abort";
    public static final String RUNBOOK_PUT = "runbook.put";
    public static final String RUNBOOK_DELETE = "runbook.delete";

    private AuditActions() {}
}
