package io.baran.orchestrator.api;

import io.baran.orchestrator.audit.AuditEntry;
import io.baran.orchestrator.audit.AuditTrail;
import io.baran.orchestrator.audit.AuditTrailUnavailableException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Every call that changes something, in the audit trail: a row saying it was asked, written and committed before
 * anything is started or signalled (so nothing happens that the trail does not show), then a row with what came
 * of it. When the request row cannot be written, nothing is done. When the work was done but its outcome row cannot
 * be written (the database went away in between), the call still answers with what it did: an error there would tell
 * the client that nothing was done, and a client that tries again would start a second drill or failover.
 */
@RequestScoped
public class Audited {

    private static final Logger LOG = Logger.getLogger(Audited.class);
    /** Writes of an outcome row: a database restarting, or a pool handing out a connection it cut, passes in seconds. */
    static final int OUTCOME_ATTEMPTS = 4;

    static final long OUTCOME_RETRY_PAUSE_MILLIS = 500;

    @Inject
    Caller caller;

    @Inject
    AuditTrail trail;

    /** Whether this request wrote a row; when it did not, {@link RefusalAudit} records a refusal. */
    private boolean recorded;

    /** What the request names when that is not in its path (a runbook in a body), for a refusal's row. */
    private String about;

    /** What the call did, for the outcome row: {@code accepted} and details, or nothing more to say. */
    public record Outcome(boolean breakGlass, Map<String, Object> detail) {
        public static final Outcome ACCEPTED = new Outcome(false, null);
    }

    /**
     * Records {@code action} on {@code target} as requested, runs {@code work}, and records its outcome: accepted
     * (with {@code outcome}'s details), refused with the problem's detail, or unknown (any other failure: Temporal
     * not answering in time may have taken the work all the same); the failure is then rethrown.
     */
    public <T> T run(String action, String target, String reason, Supplier<T> work, Function<T, Outcome> outcome) {
        checkReason(reason);
        recorded = true;
        trail.record(entry(action, target, reason, false, AuditEntry.REQUESTED, null));
        T result;
        try {
            result = work.get();
        } catch (ProblemException refused) {
            trail.record(entry(
                    action,
                    target,
                    reason,
                    false,
                    AuditEntry.refused(refused.problem().detail()),
                    null));
            throw refused;
        } catch (io.baran.runbook.RunbookInvalidException
                | io.baran.orchestrator.runbook.RunbookBusyException refused) {
            // Refusals of Baran's own, answered 422 and 409 by their mappers: nothing was done.
            trail.record(entry(
                    action, target, reason, false, AuditEntry.refused(String.valueOf(refused.getMessage())), null));
            throw refused;
        } catch (RuntimeException failed) {
            // Not a refusal Baran made: Temporal may not have answered in time after taking the work, so whether it
            // was done is not known here.
            LOG.warnf("%s on %s: outcome unknown: %s", action, target, failed.toString());
            trail.record(entry(action, target, reason, false, AuditEntry.unknown(AuditEntry.cause(failed)), null));
            throw failed;
        }
        Outcome done = outcome.apply(result);
        AuditEntry accepted = entry(action, target, reason, done.breakGlass(), AuditEntry.ACCEPTED, done.detail());
        for (int attempt = 1; ; attempt++) {
            try {
                trail.record(accepted);
                return result;
            } catch (AuditTrailUnavailableException e) {
                if (attempt == OUTCOME_ATTEMPTS) {
                    // Done, and the request row says it was asked: answer with what was done, and say loudly what the
                    // trail misses.
                    LOG.errorf(
                            "%s on %s by %s was done, but its outcome could not be recorded after %d attempts: %s",
                            action, target, accepted.actor(), OUTCOME_ATTEMPTS, e.getMessage());
                    return result;
                }
                pause(OUTCOME_RETRY_PAUSE_MILLIS * attempt);
            }
        }
    }

    /** Notes the runbook or incident the request names in its body, so that a refusal's row names it too. */
    public void about(String target) {
        about = target;
    }

    String about() {
        return about;
    }

    boolean recorded() {
        return recorded;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The longest {@code reason} a call may give. */
    static final int MAX_REASON = 1000;

    /**
     * 400 for a reason the trail, the workflow and the logs should not take: longer than {@link #MAX_REASON}, or with
     * control characters (a line break would forge a log line). Checked before anything is recorded or done.
     */
    static void checkReason(String reason) {
        if (reason == null) {
            return;
        }
        if (reason.length() > MAX_REASON) {
            throw new ProblemException(
                    400, "Invalid reason", "reason: at most " + MAX_REASON + " characters, not " + reason.length());
        }
        for (int i = 0; i < reason.length(); i++) {
            if (Character.isISOControl(reason.charAt(i))) {
                throw new ProblemException(
                        400,
                        "Invalid reason",
                        "reason: no control characters (line breaks, tabs); found U+"
                                + String.format("%04X", (int) reason.charAt(i)) + " at position " + i);
            }
        }
    }

    public <T> T run(String action, String target, String reason, Supplier<T> work) {
        return run(action, target, reason, work, result -> Outcome.ACCEPTED);
    }

    private AuditEntry entry(
            String action,
            String target,
            String reason,
            boolean breakGlass,
            String outcome,
            Map<String, Object> detail) {
        return new AuditEntry(
                caller.name(),
                caller.groups(),
                action,
                target,
                reason,
                caller.requestId(),
                breakGlass,
                outcome,
                detail);
    }
}
