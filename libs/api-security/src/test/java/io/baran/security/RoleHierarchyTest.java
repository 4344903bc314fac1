package io.baran.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void groupsThatAreNoBaranRoleImplyNothing() {
        assertEquals(Set.of(), RoleHierarchy.implied(Set.of("team-shop", "everyone")));
        assertEquals(Set.of(), RoleHierarchy.implied(Set.of(Roles.VIEWER)));
    }
}
