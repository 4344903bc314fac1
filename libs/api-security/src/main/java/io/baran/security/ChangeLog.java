package io.baran.security;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every call that may change something (POST, PUT, PATCH, DELETE) by a verified caller is logged with who made it and
 * how it was answered: the caller's name and roles, the method, the path and query, the status, beside the audit
 * trail every service writes them to (the orchestrator's own rows, the detector's and the worker's {@link CallAudit}),
 * for where logs are collected and kept. Nothing of the body is logged (it may carry what is not the log's to keep); what the
 * caller sent in the path is cut short and its control characters shown as {@code ?}, so it cannot forge lines.
 */
public class ChangeLog {

    /** The category to route elsewhere (a file, a collector) where these lines are kept for longer. */
    public static final String CATEGORY = "io.baran.changes";

    private static final Logger LOG = Logger.getLogger(CATEGORY);
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** The longest path and query kept in a line. */
    static final int MAX_TARGET = 300;

    /** The caller, without blocking: the answer may be written on an I/O thread (a form post refused early). */
    @Inject
    CurrentIdentityAssociation identities;

    @ServerResponseFilter
    public Uni<Void> logChange(ContainerRequestContext request, ContainerResponseContext response) {
        if (!CHANGING.contains(request.getMethod())) {
            return Uni.createFrom().voidItem();
        }
        var uri = request.getUriInfo().getRequestUri();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String method = request.getMethod();
        int status = response.getStatus();
        return identities
                .getDeferredIdentity()
                .onItem()
                .invoke(identity -> log(identity, method, target, status))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    private static void log(SecurityIdentity identity, String method, String target, int status) {
        if (identity == null || identity.isAnonymous()) {
            return; // an anonymous call changes nothing (401), and anyone could fill the log with them
        }
        LOG.infof(
                "%s %s by %s (roles %s): %d",
                method,
                printable(target, MAX_TARGET),
                printable(identity.getPrincipal().getName(), MAX_TARGET),
                printable(new TreeSet<>(identity.getRoles()).toString(), MAX_TARGET),
                status);
    }

    /** At most {@code max} characters (then {@code ...}), control characters shown as {@code ?}: text a caller sent. */
    public static String printable(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max + 3));
        for (int i = 0; i < text.length() && i < max; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > max) {
            out.append("...");
        }
        return out.toString();
    }
}
