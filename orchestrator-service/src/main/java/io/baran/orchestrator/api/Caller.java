package io.baran.orchestrator.api;

import io.baran.orchestrator.runbook.RunbookAccess;
import io.baran.runbook.Runbook;
import io.baran.security.Roles;
import io.baran.workflow.Actor;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who is calling: the principal and groups verified from the bearer token, never a header the client chose,
 * and this request's id (the client's {@code X-Request-Id} when it is a plain token, else a fresh one). What
 * the caller may do to one runbook is its {@code spec.access}, checked by {@link RunbookAccess} (as for the person
 * behind a game day); an admin may do anything.
 */
@RequestScoped
public class Caller {

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Inject
    SecurityIdentity identity;

    @Inject
    HttpServerRequest http;

    private String requestId;

    public Actor actor() {
        return Actor.person(name(), groups());
    }

    public String name() {
        return identity.getPrincipal().getName();
    }

    public List<String> groups() {
        return identity.getRoles().stream().sorted().toList();
    }

    public boolean isAdmin() {
        return identity.hasRole(Roles.ADMIN);
    }

    /** Whether the caller holds the role ({@code RoleHierarchy} gives an admin every role). */
    public boolean hasRole(String role) {
        return identity.hasRole(role);
    }

    public String requestId() {
        if (requestId == null) {
            String sent = http.getHeader("X-Request-Id");
            requestId = sent != null && REQUEST_ID.matcher(sent).matches()
                    ? sent
                    : UUID.randomUUID().toString();
        }
        return requestId;
    }

    /** What the caller may do to runbooks: their {@code spec.access}, checked as for everyone else. */
    public RunbookAccess access() {
        return new RunbookAccess(name(), groups(), isAdmin());
    }

    /** 403 unless {@code spec.access.drill} names one of the caller's groups (or the caller is an admin). */
    public void requireMayDrill(Runbook runbook) {
        access().refusalToDrill(runbook).ifPresent(Caller::forbid);
    }

    /** 403 unless {@code spec.access.failover} names one of the caller's groups (or the caller is an admin). */
    public void requireMayFailover(Runbook runbook) {
        access().refusalToFailover(runbook).ifPresent(Caller::forbid);
    }

    private static void forbid(String why) {
        throw new ProblemException(403, "Forbidden", why);
    }
}
