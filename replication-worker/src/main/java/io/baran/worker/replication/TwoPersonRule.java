package io.baran.worker.replication;

import io.baran.security.AuditedCallContext;
import io.baran.security.CallAuditTrail;
import io.baran.security.CallAuditTrail.Recorded;
import io.baran.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Two people for what moves a pair's data: a replication failover, failback or conflict resolution asked for by one
 * failover operator is left in the audit trail as {@code pending}, and done only when a second person confirms it
 * (the same call with {@code confirms=<request id>}) within {@link #WINDOW}; an admin may act alone by giving a
 * {@code reason} (break-glass, flagged in the trail). The pending request lives in the audit trail itself (the rows
 * of its request id), which every worker replica reads and which nothing can change, so any replica may take the
 * confirmation, after a restart too; a confirmation is read and recorded under the chain's lock, so a request is
 * confirmed once. {@code baran.replication.confirmations=1} lets one failover operator act alone.
 */
@RequestScoped
public class TwoPersonRule {

    /** How long a request waits for its second person. */
    static final Duration WINDOW = Duration.ofMinutes(10);
    /** The longest reason. */
    static final int MAX_REASON = 1_000;

    private static final String PENDING = "pending: ";
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    /** A request left for a second person: who confirms it calls {@code confirm} before {@code expiresAt}. */
    public record AwaitingConfirmation(
            String action, String target, String request, String requestedBy, String confirm, Instant expiresAt) {}

    private final int confirmations;
    private final CallAuditTrail trail;
    private final AuditedCallContext audit;
    private final SecurityIdentity identity;

    public TwoPersonRule(
            ReplicationConfig config, CallAuditTrail trail, AuditedCallContext audit, SecurityIdentity identity) {
        this.confirmations = config.confirmations();
        this.trail = trail;
        this.audit = audit;
        this.identity = identity;
    }

    /**
     * Whether the call may go on: null when it may (a second person confirmed, an admin gave a reason, or one person
     * is enough here), else the answer: 202 with the pending request, or the problem that refuses it.
     *
     * @param action   the call's action, as {@code @AuditedCall} names it
     * @param confirms the request id the caller confirms, or null
     * @param reason   a break-glass reason, or null
     */
    Response gate(String action, String confirms, String reason, UriInfo uri) {
        String caller = identity.getPrincipal().getName();
        if (reason != null) {
            if (reason.isBlank()
                    || reason.length() > MAX_REASON
                    || reason.chars().anyMatch(Character::isISOControl)) {
                return ReplicationResource.problem(
                        400,
                        "Bad reason",
                        "reason must be 1 to " + MAX_REASON + " characters, none of them a control character");
            }
            if (!identity.hasRole(Roles.ADMIN)) {
                return ReplicationResource.problem(
                        403,
                        "Break-glass is an admin's",
                        caller + " is not an admin: only an admin acts alone with a reason; leave the reason out, and"
                                + " a second person confirms the request");
            }
            audit.breakGlass(reason);
            return null;
        }
        if (confirmations <= 1) {
            return null;
        }
        String requestId = audit.requestId();
        if (requestId == null) {
            return ReplicationResource.problem(
                    409,
                    "Two people needed",
                    action + " needs a second person's confirmation, kept in the audit trail, and this worker keeps"
                            + " none (baran.audit.store=log): an admin may act alone with a reason, or set"
                            + " baran.replication.confirmations=1 where one person may");
        }
        String target = audit.recordedTarget();
        if (confirms == null) {
            java.net.URI again = uri.getRequestUriBuilder()
                    .replaceQueryParam("confirms", requestId)
                    .build();
            String confirm = "POST " + again.getRawPath() + "?" + again.getRawQuery();
            audit.outcome(
                    PENDING + "a second person confirms it within " + WINDOW.toMinutes() + " minutes: " + confirm);
            return Response.accepted(new AwaitingConfirmation(
                            action,
                            target,
                            requestId,
                            caller,
                            confirm,
                            Instant.now().plus(WINDOW)))
                    .build();
        }
        if (!REQUEST_ID.matcher(confirms).matches()) {
            return ReplicationResource.problem(400, "Bad confirms", "confirms must be a request id, as answered 202");
        }
        try {
            trail.settle(
                    confirms,
                    caller,
                    identity.getRoles().stream().sorted().toList(),
                    (rows, now) -> decide(rows, now, action, target, confirms, caller, requestId));
            return null;
        } catch (Refused refused) {
            return ReplicationResource.problem(refused.status, refused.title, refused.getMessage());
        } catch (CallAuditTrail.CallAuditUnavailableException e) {
            return ReplicationResource.problem(
                    503,
                    "Audit trail unavailable",
                    "the confirmation of " + confirms + " could not be recorded in the audit trail, so it is not"
                            + " done; retry once the trail's database answers");
        }
    }

    static String decide(
            List<Recorded> rows,
            Instant now,
            String action,
            String target,
            String confirms,
            String caller,
            String requestId) {
        if (rows.isEmpty()) {
            throw new Refused(409, "Nothing to confirm", "no request " + confirms + " in the audit trail");
        }
        Recorded first = rows.get(0);
        if (!action.equals(first.action()) || !java.util.Objects.equals(target, first.target())) {
            throw new Refused(
                    409,
                    "Another request",
                    "request " + confirms + " is " + first.action() + " on " + first.target() + ", not " + action
                            + " on " + target);
        }
        Recorded last = rows.get(rows.size() - 1);
        if (!last.outcome().startsWith(PENDING)) {
            throw new Refused(
                    409,
                    "Nothing to confirm",
                    "request " + confirms + " by " + first.actor() + " is not waiting for a confirmation: "
                            + last.outcome());
        }
        // Exactly one person's call, asked and left pending: an id that other calls were sent with too (X-Request-Id is
        // the caller's to choose) is nobody's request to confirm.
        if (rows.size() != 2
                || !"requested".equals(first.outcome())
                || !first.actor().equals(last.actor())
                || !first.action().equals(last.action())
                || !java.util.Objects.equals(first.target(), last.target())) {
            throw new Refused(
                    409,
                    "Not one request",
                    "request id " + confirms + " was sent with other calls too: it is not one person's request"
                            + " waiting for a confirmation; ask again with another X-Request-Id");
        }
        if (last.actor().equals(caller)) {
            throw new Refused(
                    403,
                    "A second person confirms",
                    caller + " asked for request " + confirms + "; another person confirms it");
        }
        Instant expires = last.at().plus(WINDOW);
        if (now.isAfter(expires)) {
            throw new Refused(
                    409,
                    "Expired",
                    "request " + confirms + " by " + last.actor() + " waited for a confirmation until " + expires
                            + "; ask again");
        }
        return "confirmed by " + caller + " (request " + requestId + ")";
    }

    /** A confirmation refused: nothing recorded for the request confirmed, the call answered with this. */
    private static final class Refused extends RuntimeException {
        final int status;
        final String title;

        Refused(int status, String title, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.title = title;
        }
    }
}
