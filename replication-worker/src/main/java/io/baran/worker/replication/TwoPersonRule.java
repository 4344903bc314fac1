package io.baran.worker.replication;

import io.baran.security.AuditedCallContext;
import io.baran.security.CallAudit;
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

    private static final String PENDING = "pending (call sha256:";
    private static final String CONFIRMED = "confirmed by ";

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
     * @param call     every value the call acts on, as it will act on them (the replica resolved): a confirmation is
     *                 of exactly this call
     * @param confirms the request id the caller confirms, or null
     * @param reason   a break-glass reason, or null
     */
    Response gate(List<String> call, String confirms, String reason, UriInfo uri) {
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
                    "this call needs a second person's confirmation, kept in the audit trail, and this worker keeps"
                            + " none (baran.audit.store=log): an admin may act alone with a reason, or set"
                            + " baran.replication.confirmations=1 where one person may");
        }
        // The action and target of the call's requested row: what its @AuditedCall names, so the digest cannot drift.
        String action = audit.recordedAction();
        String target = audit.recordedTarget();
        String digest = digest(action, call);
        List<String> groups = identity.getRoles().stream().sorted().toList();
        if (confirms == null) {
            java.net.URI again = uri.getRequestUriBuilder()
                    .replaceQueryParam("confirms", requestId)
                    .build();
            String confirm = "POST " + again.getRawPath() + "?" + again.getRawQuery();
            // Written here, before the answer: a 202 whose pending row is not in the trail could never be confirmed.
            // Only
            // under an id that holds nothing but this call's request: rows of other calls under it (the id is the
            // client's to choose) could confirm or spoil it.
            String pending = PENDING + digest + "): a second person confirms it within " + WINDOW.toMinutes()
                    + " minutes (confirms=" + requestId + ")";
            try {
                trail.settle(requestId, caller, groups, action, target, (rows, now) -> {
                    if (rows.size() != 1 || !rows.get(0).actor().equals(caller)) {
                        throw new Refused(
                                409,
                                "Request id taken",
                                "request id " + requestId + " was used for other calls already: send this one with"
                                        + " another X-Request-Id (or none), so that it can be confirmed");
                    }
                    return pending;
                });
            } catch (Refused refused) {
                return ReplicationResource.problem(refused.status, refused.title, refused.getMessage());
            } catch (RuntimeException e) {
                return ReplicationResource.problem(
                        503,
                        "Audit trail unavailable",
                        action + " on " + target + " could not be left for a second person in the audit trail; retry"
                                + " once the trail's database answers (a request that the trail took nevertheless"
                                + " cannot be confirmed: its 503 is recorded after it)");
            }
            audit.outcomeRecorded();
            return Response.accepted(new AwaitingConfirmation(
                            action,
                            target,
                            requestId,
                            caller,
                            confirm,
                            Instant.now().plus(WINDOW)))
                    .build();
        }
        if (!CallAudit.isRequestId(confirms)) {
            return ReplicationResource.problem(400, "Bad confirms", "confirms must be a request id, as answered 202");
        }
        try {
            trail.settle(
                    confirms,
                    caller,
                    groups,
                    action,
                    target,
                    (rows, now) -> decide(rows, now, action, target, digest, confirms, caller, requestId));
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

    /**
     * What a confirmation must match: SHA-256 over the action and every value the call acts on, full length (the
     * pair, the replica as resolved, a conflict's key and the side kept), each length-prefixed.
     */
    static String digest(String action, List<String> call) {
        StringBuilder canonical =
                new StringBuilder("baran-two-person-v1\n").append(action).append('\n');
        for (String part : call) {
            canonical.append(part == null ? "-" : part.length() + ":" + part).append('\n');
        }
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(canonical.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * The outcome to add to request {@code confirms}: {@code confirmed by <caller>}, when one of its rows is a pending
     * call with the same digest, by another person, within {@link #WINDOW}, and nothing confirmed it yet. Rows other
     * calls wrote under the same id (the id is the client's to choose) are passed over, so nobody can spoil another
     * person's request by reusing its id.
     */
    static String decide(
            List<Recorded> rows,
            Instant now,
            String action,
            String target,
            String digest,
            String confirms,
            String caller,
            String requestId) {
        if (rows.isEmpty()) {
            throw new Refused(409, "Nothing to confirm", "no request " + confirms + " in the audit trail");
        }
        for (Recorded row : rows) {
            if (row.outcome().startsWith(CONFIRMED)) {
                throw new Refused(
                        409, "Confirmed already", "request " + confirms + " was confirmed already: " + row.outcome());
            }
        }
        List<Recorded> pending = new java.util.ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Recorded row = rows.get(i);
            // A pending row its request then answered with an error (the 503 of a commit whose answer was lost) is
            // not a request: its requester was told nothing is pending.
            boolean answeredWithAnError = rows.subList(i + 1, rows.size()).stream()
                    .anyMatch(later ->
                            later.actor().equals(row.actor()) && later.outcome().startsWith("unknown:"));
            if (row.outcome().startsWith(PENDING) && !answeredWithAnError) {
                pending.add(row);
            }
        }
        if (pending.isEmpty()) {
            throw new Refused(
                    409,
                    "Nothing to confirm",
                    "request " + confirms + " is not waiting for a confirmation: "
                            + rows.get(rows.size() - 1).outcome());
        }
        List<Recorded> same = pending.stream()
                .filter(r -> r.outcome().startsWith(PENDING + digest + ")"))
                .toList();
        if (same.isEmpty()) {
            Recorded other = pending.get(pending.size() - 1);
            throw new Refused(
                    409,
                    "Another request",
                    "request " + confirms + " is " + other.action() + " on " + other.target() + ", not this "
                            + action + " on " + target
                            + (other.action().equals(action)
                                    ? " (not with the same replica, key or side, or what it acts on changed since)"
                                    : ""));
        }
        Recorded asked = null;
        for (Recorded r : same) {
            if (!r.actor().equals(caller)) {
                asked = r;
            }
        }
        if (asked == null) {
            throw new Refused(
                    403,
                    "A second person confirms",
                    caller + " asked for request " + confirms + "; another person confirms it");
        }
        Instant expires = asked.at().plus(WINDOW);
        if (now.isAfter(expires)) {
            throw new Refused(
                    409,
                    "Expired",
                    "request " + confirms + " by " + asked.actor() + " waited for a confirmation until " + expires
                            + "; ask again");
        }
        return CONFIRMED + caller + " (request " + requestId + ")";
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
