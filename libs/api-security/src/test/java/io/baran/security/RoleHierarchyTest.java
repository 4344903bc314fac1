package io.baran.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleHierarchyTest {

    @Test
    void anAdminHoldsEveryRole() {
        assertEquals(
                Set.of(
                        Roles.VIEWER,
                        Roles.RUNBOOK_AUTHOR,
                        Roles.DRILL_OPERATOR,
                        Roles.FAILOVER_OPERATOR,
                        Roles.APPROVER),
                RoleHierarchy.implied(Set.of(Roles.ADMIN, "team-shop")));
    }

    @Test
    void everyBaranRoleMayRead() {
        assertEquals(Set.of(Roles.VIEWER), RoleHierarchy.implied(Set.of(Roles.APPROVER)));
        assertEquals(
                Set.of(Roles.VIEWER), RoleHierarchy.implied(Set.of(Roles.DRILL_OPERATOR, Roles.FAILOVER_OPERATOR)));
    }

    @Test
    void aTokenThatNamesNoUserOrNamesBaranItselfIsRefusedAsUnauthenticated() {
        for (String name : new String[] {null, "", " ", "system", " SYSTEM "}) {
            var identity = QuarkusSecurityIdentity.builder()
                    .setPrincipal(() -> name)
                    .addRole(Roles.FAILOVER_OPERATOR)
                    .build();
            var refused = assertThrows(
                    AuthenticationFailedException.class,
                    () -> new RoleHierarchy().augment(identity, null).await().indefinitely(),
                    String.valueOf(name));
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank(), String.valueOf(name));
        }
        var ana = QuarkusSecurityIdentity.builder()
                .setPrincipal(() -> "ana")
                .addRole(Roles.APPROVER)
                .build();
        assertEquals(
                Set.of(Roles.APPROVER, Roles.VIEWER),
                new RoleHierarchy().augment(ana, null).await().indefinitely().getRoles());
    }

    @Test
    void groupsThatAreNoBaranRoleImplyNothing() {
        assertEquals(Set.of(), RoleHierarchy.implied(Set.of("team-shop", "everyone")));
        assertEquals(Set.of(), RoleHierarchy.implied(Set.of(Roles.VIEWER)));
    }
}
