package io.baran.worker.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.action.PromoteReplica;
import io.baran.worker.action.PromoteReplicaConformance;
import io.baran.worker.provider.Capability;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code database.promote-replica} as a planned failover of an Azure SQL failover group, served by the ARM
 * fake: each test gets its own group ({@code sql-main-<n>} primary, {@code sql-dr-<n>} secondary). The planned
 * failover synchronises and swaps roles in one operation, so the old primary refuses writes once it is done.
 */
class AzureSqlFailoverIT extends PromoteReplicaConformance {

    private static final String RG = "sql-rg";
    private static final int INSTANCES = 30;

    @RegisterExtension
    static final ArmFixture fixture = new ArmFixture();

    private static final FakeArm arm = fixture.arm();
    private static Providers providers;
    private static int made;

    @BeforeAll
    static void connect() {
        providers = fixture.connect("azure-sql", instances("planned"));
    }

    /** {@code orders} and {@code orders-1..30}, each the secondary of its own failover group. */
    static Map<String, String> instances(String failover) {
        Map<String, String> options = new HashMap<>(Map.of("resource-group", RG, "promote-timeout", "20s"));
        for (int n = 0; n <= INSTANCES; n++) {
            String name = n == 0 ? "orders" : "orders-" + n;
            options.put("instances." + name + ".kind", "sql-failover-group");
            options.put("instances." + name + ".server", "sql-dr-" + n);
            options.put("instances." + name + ".failover-group", "orders-fg-" + n);
            options.put("instances." + name + ".location", "northeurope");
            options.put("instances." + name + ".failover", failover);
        }
        return options;
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return "azure-sql";
    }

    @Override
    protected String unreachableProviderName() {
        return AzureProviders.UNREACHABLE;
    }

    @Override
    protected boolean canFence() {
        return true;
    }

    @Override
    protected String newReplica() {
        int n = ++made;
        arm.databases.sql.create(RG, "sql-main-" + n, "sql-dr-" + n, "orders-fg-" + n);
        return "orders-" + n;
    }

    private static int n(String instance) {
        return Integer.parseInt(instance.substring("orders-".length()));
    }

    @Override
    protected boolean isReplica(String instance) {
        return "Secondary".equals(arm.databases.sql.role(RG, "sql-dr-" + n(instance), "orders-fg-" + n(instance)));
    }

    @Override
    protected boolean takesWrites(String instance) {
        return "Primary".equals(arm.databases.sql.role(RG, "sql-dr-" + n(instance), "orders-fg-" + n(instance)));
    }

    @Override
    protected boolean primaryTakesWrites(String instance) {
        return "Primary".equals(arm.databases.sql.role(RG, "sql-main-" + n(instance), "orders-fg-" + n(instance)));
    }

    @Override
    protected ControlPlane controlPlane(String instance) {
        return new ControlPlane(
                "azure/northeurope",
                "sql",
                "Azure SQL failover group orders-fg-" + n(instance) + " on sql-dr-" + n(instance));
    }

    /** The planned failover fences and promotes in one operation: fencing alone changes nothing. */
    @Override
    protected boolean fencesBeforePromoting() {
        return false;
    }

    @Test
    void thePromotionIsAPlannedFailoverRunOnTheSecondaryNeverAForcedOne() {
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);

        new PromoteReplica(providers).apply(command, new PromoteReplica(providers).plan(command));

        int n = n(instance);
        assertTrue(
                arm.databases.operations.contains("sql-dr-" + n + "/orders-fg-" + n + " failover"),
                arm.databases.operations.toString());
        assertFalse(
                arm.databases.operations.contains("sql-dr-" + n + "/orders-fg-" + n + " forceFailoverAllowDataLoss"));
        assertTrue(arm.requests().stream()
                .filter(r -> r.getUrl().contains("/failoverGroups/"))
                .allMatch(r -> r.getUrl().contains("api-version=2021-11-01")));
    }

    @Test
    void anUnreachableOldPrimaryStopsAFencedPromotion() {
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);
        arm.failNext("GET", "/servers/sql-main-" + n(instance) + "/failoverGroups/", 503, "ServiceUnavailable", null);
        StepPlan plan = new PromoteReplica(providers).plan(command);
        assertTrue(
                plan.summary().contains("old primary unreachable: apply will refuse (fence: required)"),
                plan.summary());
        arm.failNext("GET", "/servers/sql-main-" + n(instance) + "/failoverGroups/", 503, "ServiceUnavailable", null);

        ApplicationFailure failure =
                assertThrows(ApplicationFailure.class, () -> new PromoteReplica(providers).apply(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(isReplica(instance));
    }

    @Test
    void aForcedFailoverIsOnlyRunWhenConfiguredAndIsNotCalledFenced() {
        try (Providers forced = AzureProviders.connect(arm, "azure-sql-forced", instances("forced-allow-data-loss"))) {
            assertFalse(forced.find("azure-sql-forced")
                    .support(Capability.DATABASE_FENCE)
                    .available());
            assertTrue(forced.find("azure-sql-forced")
                    .support(Capability.DATABASE_FENCE)
                    .reason()
                    .contains("forced failover"));
            String instance = newReplica();
            Map<String, Object> with =
                    new HashMap<>(Map.of("provider", "azure-sql-forced", "instance", instance, "fence", "best-effort"));
            StepCommand command = new StepCommand("exec-1", "promote-db", "database.promote-replica", with);

            StepOutcome outcome = new PromoteReplica(forced).apply(command, new PromoteReplica(forced).plan(command));

            assertTrue(outcome.summary().contains("old primary not fenced: the provider cannot"), outcome.summary());
            int n = n(instance);
            assertTrue(arm.databases.operations.contains(
                    "sql-dr-" + n + "/orders-fg-" + n + " forceFailoverAllowDataLoss"));
            assertFalse(isReplica(instance));
        }
    }
}
