package io.baran.orchestrator.api;

import io.baran.orchestrator.audit.AuditEntry;
import io.baran.orchestrator.audit.AuditTrail;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every call that changes something, in the audit trail: a row saying it was asked, written and committed before
 * anything is started or signalled (so nothing happens that the trail does not show), then a row with what came
 * of it. When the trail cannot be written, nothing is done.
 */
@RequestScoped
public class Audited {

    @Inject
    Caller caller;

    @Inject
    AuditTrail trail;

    /** What the call did, for the outcome row: {@code accepted} and details, or nothing more to say. */
    public record Outcome(boolean breakGlass, Map<String, Object> detail) {
        public static final Outcome ACCEPTED = new Outcome(false, null);
    }

    /**
     * Records {@code action} on {@code target} as requested, runs {@code work}, and records its outcome: accepted
     * (with {@code outcome}'s details), or refused with the problem's detail, which is then rethrown.
     */
    public <T> T run(String action, String target, String reason, Supplier<T> work, Function<T, Outcome> outcome) {
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
        } catch (RuntimeException failed) {
            trail.record(entry(
                    action, target, reason, false, AuditEntry.refused(String.valueOf(failed.getMessage())), null));
            throw failed;
        }
        Outcome done = outcome.apply(result);
        trail.record(entry(action, target, reason, done.breakGlass(), AuditEntry.ACCEPTED, done.detail()));
        return result;
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
