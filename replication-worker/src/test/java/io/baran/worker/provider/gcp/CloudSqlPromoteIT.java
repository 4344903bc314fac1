package io.baran.worker.provider.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.worker.action.PromoteReplica;
import io.baran.worker.action.PromoteReplicaConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code database.promote-replica} through Cloud SQL Admin {@code instances.promoteReplica}, served by the
 * stateful fake. No database engine runs, so "takes writes" means what Cloud SQL reports: a runnable
 * instance that is not a replica.
 */
class CloudSqlPromoteIT extends PromoteReplicaConformance {

    @RegisterExtension
    static final GcpFixture fixture = new GcpFixture();

    private static final GoogleCloudFake fake = fixture.fake();
    private static Providers providers;
    private static Providers hasty;
    private static int made;

    @BeforeAll
    static void connect() {
        providers = fixture.connect();
        hasty = fixture.keep(io.baran.worker.provider.Providers.connect(
                List.of(GcpFakes.settings(
                        GcpFakes.PROVIDER,
                        fake.endpoint(),
                        java.util.Map.of("project", GoogleCloudFake.PROJECT, "promote-timeout", "1s"))),
                io.baran.worker.provider.ProviderContext.of(
                        java.time.Duration.ofSeconds(10), io.baran.worker.Heartbeat.NONE)));
    }

    @Override
    protected Providers hastyProviders() {
        return hasty;
    }

    /**
     * Its operation stays RUNNING for 8 reads: more than an attempt waiting 1 s makes, fewer than one waiting 10 s; and
     * once DONE, the instance shows its new role only on the second read.
     */
    @Override
    protected String newReplicaPromotedSlowly() {
        fake.sql.runningReads = 8;
        fake.sql.roleLagReads = 2;
        return newReplica();
    }

    @AfterEach
    void everyRequestHadTheDocumentedShape() {
        assertEquals(List.of(), fake.violations());
        fake.sql.runningReads = 1;
        fake.sql.roleLagReads = 0;
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return GcpFakes.PROVIDER;
    }

    @Override
    protected String unreachableProviderName() {
        return GcpFakes.UNREACHABLE;
    }

    @Override
    protected boolean canFence() {
        return false;
    }

    @Override
    protected String newReplica() {
        int n = ++made;
        fake.sql.putPrimary("orders-src-" + n, "us-central1");
        fake.sql.putReplica("orders-" + n, "europe-west1", "orders-src-" + n);
        return "orders-" + n;
    }

    @Override
    protected boolean isReplica(String instance) {
        return "READ_REPLICA_INSTANCE"
                .equals(fake.sql.instance(instance).path("instanceType").asText());
    }

    @Override
    protected boolean takesWrites(String instance) {
        ObjectNode db = fake.sql.instance(instance);
        return "CLOUD_SQL_INSTANCE".equals(db.path("instanceType").asText())
                && "RUNNABLE".equals(db.path("state").asText());
    }

    @Override
    protected boolean primaryTakesWrites(String instance) {
        // Cloud SQL cannot fence: the old primary stays a runnable, writable instance.
        return takesWrites("orders-src-" + instance.substring("orders-".length()));
    }

    @Override
    protected ControlPlane controlPlane(String instance) {
        return new ControlPlane("gcp/global", "sqladmin", "Cloud SQL Admin");
    }

    private static StepCommand promote(String instance) {
        return new StepCommand(
                "exec-1",
                "promote-db",
                "database.promote-replica",
                java.util.Map.of("provider", GcpFakes.PROVIDER, "instance", instance, "fence", "best-effort"));
    }

    @Test
    void thePromotionEndsOnlyWhenItsOperationIsDone() {
        String instance = newReplica();
        fake.sql.runningReads = 3;
        int before = fake.count("GET", "/v1/projects/" + GoogleCloudFake.PROJECT + "/operations/");

        assertTrue(new PromoteReplica(providers)
                .apply(promote(instance), new PromoteReplica(providers).plan(promote(instance)))
                .changed());

        assertEquals(3, fake.count("GET", "/v1/projects/" + GoogleCloudFake.PROJECT + "/operations/") - before);
        assertTrue(takesWrites(instance));
        assertFalse(fake.sql.instance(instance).has("masterInstanceName"));
    }

    @Test
    void aPromotionAlreadyUnderWayIsWorthRetrying() {
        String instance = newReplica();
        fake.failNext("POST", "/instances/" + instance + "/promoteReplica", 409, "operationInProgress");

        ApplicationFailure failure = failure(() -> new PromoteReplica(providers)
                .apply(promote(instance), new PromoteReplica(providers).plan(promote(instance))));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
        assertFalse(failure.isNonRetryable());
        assertTrue(isReplica(instance));
    }

    @Test
    void thePlanNamesTheReplicasPrimary() {
        String instance = newReplica();

        String summary = new PromoteReplica(providers).plan(promote(instance)).summary();

        assertTrue(summary.contains(instance + " in europe-west1 replica"), summary);
        assertTrue(summary.contains(GoogleCloudFake.PROJECT + ":orders-src-" + made), summary);
    }
}
