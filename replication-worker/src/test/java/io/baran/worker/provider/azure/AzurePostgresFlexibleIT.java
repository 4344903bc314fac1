package io.baran.worker.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Request;
import io.baran.worker.action.PromoteReplica;
import io.baran.worker.action.PromoteReplicaConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.workflow.StepCommand;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code database.promote-replica} as the promotion of a PostgreSQL flexible server read replica to a
 * standalone server, served by the ARM fake: each test gets its own replica {@code pg-replica-<n>} of
 * {@code pg-main-<n>}. Azure cannot make the primary refuse writes, so steps say {@code fence: best-effort}.
 */
class AzurePostgresFlexibleIT extends PromoteReplicaConformance {

    private static final String RG = "pg-rg";
    private static final int INSTANCES = 30;

    @RegisterExtension
    static final ArmFixture fixture = new ArmFixture();

    private static final FakeArm arm = fixture.arm();
    private static Providers providers;
    private static Providers hasty;
    private static int made;

    @BeforeAll
    static void connect() {
        providers = fixture.connect("azure-pg", instances("planned"));
        Map<String, String> quick = new HashMap<>(instances("planned"));
        quick.put("promote-timeout", "1s");
        hasty = fixture.connect("azure-pg", quick);
    }

    @Override
    protected Providers hastyProviders() {
        return hasty;
    }

    /** Azure goes on promoting it until its server has been read 4 times: longer than an attempt waiting 1 s. */
    @Override
    protected String newReplicaPromotedSlowly() {
        String instance = newReplica();
        arm.databases.postgres.promotionReads = 4;
        return instance;
    }

    static Map<String, String> instances(String promoteOption) {
        Map<String, String> options = new HashMap<>(Map.of("resource-group", RG, "promote-timeout", "20s"));
        for (int n = 0; n <= INSTANCES; n++) {
            String name = n == 0 ? "orders" : "pg-" + n;
            options.put("instances." + name + ".kind", "postgresql-flexible");
            options.put("instances." + name + ".server", "pg-replica-" + n);
            options.put("instances." + name + ".location", "westeurope");
            options.put("instances." + name + ".promote-option", promoteOption);
        }
        return options;
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return "azure-pg";
    }

    @Override
    protected String unreachableProviderName() {
        return AzureProviders.UNREACHABLE;
    }

    @Override
    protected boolean canFence() {
        return false;
    }

    @Override
    protected String newReplica() {
        arm.databases.postgres.promotionReads = 0;
        int n = ++made;
        arm.databases.postgres.createReplica(RG, "pg-main-" + n, "pg-replica-" + n);
        return "pg-" + n;
    }

    private static String server(String instance) {
        return "pg-replica-" + instance.substring("pg-".length());
    }

    @Override
    protected boolean isReplica(String instance) {
        return "AsyncReplica".equals(arm.databases.postgres.role(RG, server(instance)));
    }

    @Override
    protected boolean takesWrites(String instance) {
        return "Primary".equals(arm.databases.postgres.role(RG, server(instance)));
    }

    @Override
    protected boolean primaryTakesWrites(String instance) {
        return "Primary".equals(arm.databases.postgres.role(RG, "pg-main-" + instance.substring("pg-".length())));
    }

    @Override
    protected ControlPlane controlPlane(String instance) {
        return new ControlPlane("azure/westeurope", "postgresql", "PostgreSQL flexible server " + server(instance));
    }

    @Test
    void thePromotionIsAPlannedStandalonePromotionInTheDocumentedShape() {
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);

        new PromoteReplica(providers).apply(command, new PromoteReplica(providers).plan(command));

        Request patch = arm.requests().stream()
                .filter(r -> r.getMethod().getName().equals("PATCH")
                        && r.getUrl().contains("/flexibleServers/" + server(instance) + "?"))
                .findFirst()
                .orElseThrow();
        assertTrue(patch.getUrl().endsWith("?api-version=2024-08-01"), patch.getUrl());
        assertEquals(
                "{\"properties\":{\"replica\":{\"promoteMode\":\"standalone\",\"promoteOption\":\"planned\"}}}",
                patch.getBodyAsString());
        assertTrue(arm.databases.operations.contains(server(instance) + " planned"));
    }

    @Test
    void aForcedPromotionIsOnlyRunWhenConfigured() {
        try (Providers forced = AzureProviders.connect(arm, "azure-pg-forced", instances("forced"))) {
            String instance = newReplica();
            Map<String, Object> with =
                    new HashMap<>(Map.of("provider", "azure-pg-forced", "instance", instance, "fence", "best-effort"));
            StepCommand command = new StepCommand("exec-1", "promote-db", "database.promote-replica", with);

            new PromoteReplica(forced).apply(command, new PromoteReplica(forced).plan(command));

            assertTrue(
                    arm.databases.operations.contains(server(instance) + " forced"),
                    arm.databases.operations.toString());
        }
    }
}
