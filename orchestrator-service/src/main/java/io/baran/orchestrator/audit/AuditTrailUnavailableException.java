package io.baran.orchestrator.audit;

/**
 * The audit trail could not be written (or read). A caller that was about to act must not act: what is not
 * recorded is not done.
 */
public class AuditTrailUnavailableException extends RuntimeException {

    public AuditTrailUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
