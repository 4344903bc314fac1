package io.baran.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The roles imply each other as people expect: every Baran role may read ({@link Roles#VIEWER}), and an
 * {@link Roles#ADMIN} holds every role. So each endpoint names the one role it is about, and the token's groups
 * need not repeat the implied ones. A token naming {@code system}, the name Baran acts under itself, is refused (401).
 */
@ApplicationScoped
public class RoleHierarchy implements SecurityIdentityAugmentor {

    /** The name Baran acts under itself ({@code Actor.SYSTEM}): refused as a person's. */
    static final String RESERVED = "system";

    static final Set<String> ALL = Set.of(
            Roles.VIEWER,
            Roles.RUNBOOK_AUTHOR,
            Roles.DRILL_OPERATOR,
            Roles.FAILOVER_OPERATOR,
            Roles.APPROVER,
            Roles.ADMIN);

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        String name =
                identity.getPrincipal() == null ? null : identity.getPrincipal().getName();
        if (name == null || name.isBlank()) {
            // A token without the claim names are read from (quarkus.oidc.token.principal-claim): nobody to record.
            return Uni.createFrom()
                    .failure(new AuthenticationFailedException(
                            "the token names no user (its principal claim is missing or empty)"));
        }
        if (RESERVED.equalsIgnoreCase(name.strip())) {
            // What Baran does by itself is recorded as "system" (audit trail, executions): no person may act as it.
            return Uni.createFrom()
                    .failure(new AuthenticationFailedException(
                            "the user name \"" + RESERVED + "\" is Baran's own; a person must not act under it"));
        }
        Set<String> implied = implied(identity.getRoles());
        if (implied.isEmpty()) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom()
                .item(QuarkusSecurityIdentity.builder(identity)
                        .addRoles(implied)
                        .build());
    }

    /** The roles {@code roles} imply and do not already hold. */
    static Set<String> implied(Set<String> roles) {
        Set<String> out = new LinkedHashSet<>();
        if (roles.contains(Roles.ADMIN)) {
            out.addAll(ALL);
        } else if (roles.stream().anyMatch(ALL::contains)) {
            out.add(Roles.VIEWER);
        }
        out.removeAll(roles);
        return out;
    }
}
