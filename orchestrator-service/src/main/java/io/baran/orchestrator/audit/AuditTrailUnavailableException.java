package io.baran.orchestrator.audit;

/**
 * The audit trail could not be written (or read). A caller that was about to act must not act: what is not
 * recorded is not done.
 */
public class AuditTrailUnavailableException extends RuntimeException {

    private final String what;

    /**
     * @param what  what could not be done, for whoever asked (no database detail: host and user names stay in the log)
     * @param cause the database's error, for the log
     */
    public AuditTrailUnavailableException(String what, Throwable cause) {
        super(what + ": " + AuditTrail.rootMessage(cause), cause);
        this.what = what;
    }

    /** What could not be done, without the database's error. */
    public String what() {
        return what;
    }
}
