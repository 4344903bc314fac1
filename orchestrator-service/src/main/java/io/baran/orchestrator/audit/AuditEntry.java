package io.baran.orchestrator.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a caller asks to record: who (the verified identity, never a header a client sent), what, on which runbook or
 * execution, and what came of it.
 *
 * @param actor      the verified user (or {@code system} for what Baran does by itself); required
 * @param groups     the actor's groups or roles as verified, e.g. {@code ["admin"]}; null for none
 * @param action     what was asked, one of {@link AuditActions} (e.g. {@code failover.start}); required
 * @param target     the runbook name or execution id acted on; null when the request named none (it is then
 *                   refused, and that is recorded too)
 * @param reason     why, as the person gave it; null when none was given
 * @param requestId  the request's id, to find it in the logs; may be null
 * @param breakGlass the actor used the emergency access path
 * @param outcome    {@link #REQUESTED}, {@link #ACCEPTED}, {@link #refused(String)} or {@link #unknown(String)}; required
 * @param detail     anything else worth keeping (a plan summary, the step decided on...), JSON-serialisable; may be null
 */
public record AuditEntry(
        String actor,
        List<String> groups,
        String action,
        String target,
        String reason,
        String requestId,
        boolean breakGlass,
        String outcome,
        Map<String, Object> detail) {

    /** The action was asked for and is about to be carried out (written before the workflow is signalled). */
    public static final String REQUESTED = "requested";
    /** The action was carried out (e.g. the workflow took the signal). */
    public static final String ACCEPTED = "accepted";

    public AuditEntry {
        require(actor, "actor");
        require(action, "action");
        require(outcome, "outcome");
        groups = groups == null ? List.of() : List.copyOf(groups);
        detail = detail == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(detail));
    }

    /** The outcome of an action refused, with why: {@code refused: <why>}. */
    public static String refused(String why) {
        return "refused: " + why;
    }

    /**
     * The outcome of an action that failed in a way that does not tell whether it was carried out (Temporal did not
     * answer in time, say: the signal or the start may have reached it): {@code unknown: <why>}. The execution shows
     * what happened.
     */
    public static String unknown(String why) {
        return "unknown: " + why;
    }

    /**
     * What a failure of unknown outcome is called in the trail, which every viewer reads: the gRPC status (e.g.
     * {@code DEADLINE_EXCEEDED}) when Temporal answered with one, else the kind of failure; never its message, which
     * may name hosts, addresses or database users (the log has it).
     */
    public static String cause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof io.grpc.StatusRuntimeException status) {
                return status.getStatus().getCode().name();
            }
            if (t instanceof io.grpc.StatusException status) {
                return status.getStatus().getCode().name();
            }
        }
        return failure == null ? "unknown failure" : failure.getClass().getSimpleName();
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an audit entry needs its " + name);
        }
    }
}
