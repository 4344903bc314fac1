package io.baran.orchestrator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.orchestrator.audit.AuditEntry;
import io.baran.orchestrator.audit.AuditTrail;
import io.quarkus.runtime.BlockingOperationControl;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.reflect.Method;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * A call of an endpoint that changes something ({@link AuditedAs}) refused before {@link Audited#run} wrote a row,
 * still in the audit trail: a token without the role (403), a body that names no runbook or is not confirmed (400), a
 * runbook or execution that does not exist (404), one that has finished (409). Who tried what is what the trail is for;
 * a refusal the trail did not show would hide exactly the attempts worth looking at.
 *
 * <p>One row, {@code refused: <the answer's detail>}, by the verified caller, naming the runbook or execution of the
 * path (or the one the body named, {@link Audited#about}); nothing is recorded for a call without a valid token (401:
 * there is nobody to name, and anyone could fill the trail with those). When the row cannot be written the refusal is
 * still answered, and the log says what the trail misses.
 */
public class RefusalAudit {

    private static final Logger LOG = Logger.getLogger(RefusalAudit.class);
    /** The longest detail or target kept in a refusal's row (both may echo what the caller sent). */
    static final int MAX_TEXT = 300;

    @Inject
    SecurityIdentity identity;

    @Inject
    Caller caller;

    @Inject
    Audited audited;

    @Inject
    AuditTrail trail;

    @Inject
    ObjectMapper json;

    @ServerResponseFilter
    public Uni<Void> recordRefusal(
            ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        AuditedAs action = method == null ? null : method.getAnnotation(AuditedAs.class);
        int status = response.getStatus();
        if (action == null
                || status < 400
                || status >= 500
                || status == 401
                || identity.isAnonymous()
                || audited.recorded()) {
            return Uni.createFrom().voidItem();
        }
        AuditEntry entry = new AuditEntry(
                caller.name(),
                caller.groups(),
                action.value(),
                target(request),
                null,
                caller.requestId(),
                false,
                AuditEntry.refused(status + " " + detail(response)),
                null);
        if (BlockingOperationControl.isBlockingAllowed()) {
            write(entry);
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom()
                .item(() -> {
                    write(entry);
                    return (Void) null;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private void write(AuditEntry entry) {
        try {
            trail.record(entry);
        } catch (RuntimeException e) {
            LOG.errorf(
                    "the refusal of %s on %s by %s could not be recorded in the audit trail: %s",
                    entry.action(), entry.target(), entry.actor(), e.getMessage());
        }
    }

    private String target(ContainerRequestContext request) {
        var path = request.getUriInfo().getPathParameters();
        String named = path.getFirst("name");
        if (named == null) {
            named = path.getFirst("id");
        }
        if (named == null) {
            named = audited.about();
        }
        return named == null ? null : printable(named);
    }

    private String detail(ContainerResponseContext response) {
        return io.baran.security.CallAudit.problemDetail(json, response.getEntity(), MAX_TEXT);
    }

    /** At most {@link #MAX_TEXT} characters, control characters shown as {@code ?}. */
    static String printable(String text) {
        return printable(text, MAX_TEXT);
    }

    /** At most {@code max} characters (then {@code ...}), control characters shown as {@code ?}. */
    static String printable(String text, int max) {
        return io.baran.security.ChangeLog.printable(text, max);
    }
}
