package io.baran.worker.provider.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.action.Switchover;
import io.baran.worker.action.SwitchoverConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code database.switchover} through Cloud SQL Admin {@code instances.switchover}, served by the stateful fake:
 * an Enterprise Plus primary and its designated disaster-recovery replica swap roles when the switchover's
 * operation is done.
 */
class CloudSqlSwitchoverIT extends SwitchoverConformance {

    @RegisterExtension
    static final GcpFixture fixture = new GcpFixture();

    private static final GoogleCloudFake fake = fixture.fake();
    private static final String SWITCHOVER = "/v1/projects/" + GoogleCloudFake.PROJECT + "/instances/";
    private static Providers providers;
    private static int made;

    @BeforeAll
    static void connect() {
        providers = fixture.connect();
    }

    @AfterEach
    void everyRequestHadTheDocumentedShape() {
        assertEquals(List.of(), fake.violations());
        fake.sql.runningReads = 1;
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
    protected Members newMembers() {
        int n = ++made;
        fake.sql.putDrPair("ledger-" + n, "us-central1", "ledger-dr-" + n, "europe-west1");
        return new Members("ledger-" + n, "ledger-dr-" + n);
    }

    @Override
    protected String primaryOf(Members members) {
        for (String name : List.of(members.primary(), members.secondary())) {
            var db = fake.sql.instance(name);
            if ("CLOUD_SQL_INSTANCE".equals(db.path("instanceType").asText())) {
                return name;
            }
        }
        throw new AssertionError("neither " + members + " is primary");
    }

    /** Someone designates another DR replica for the current primary. */
    @Override
    protected void changeTopologyByHand(Members members) {
        String primary = primaryOf(members);
        String other = primary + "-other-dr";
        fake.sql.putReplica(other, "asia-east1", primary);
        fake.sql.designateDrReplica(primary, other);
    }

    @Override
    protected ControlPlane controlPlane(String instance) {
        return new ControlPlane("gcp/global", "sqladmin", "Cloud SQL Admin");
    }

    private static StepCommand switchTo(String instance) {
        return new StepCommand(
                "exec-1",
                "switch-db",
                Switchover.NAME,
                java.util.Map.of("provider", GcpFakes.PROVIDER, "instance", instance));
    }

    @Test
    void theSwitchoverIsOnePostToTheReplicaAndEndsOnlyWhenItsOperationIsDone() {
        Members m = newMembers();
        fake.sql.runningReads = 3;
        int operationsBefore = fake.count("GET", "/v1/projects/" + GoogleCloudFake.PROJECT + "/operations/");
        int postsBefore = fake.count("POST", "/v1/projects/");
        Switchover action = new Switchover(providers);
        StepPlan plan = action.plan(switchTo(m.secondary()));
        assertEquals(postsBefore, fake.count("POST", "/v1/projects/"), "the plan calls nothing that changes");

        assertTrue(action.apply(switchTo(m.secondary()), plan).changed());

        assertEquals(1, fake.count("POST", SWITCHOVER + m.secondary() + "/switchover"));
        assertEquals(
                3, fake.count("GET", "/v1/projects/" + GoogleCloudFake.PROJECT + "/operations/") - operationsBefore);
        var now = fake.sql.instance(m.secondary());
        assertEquals("RUNNABLE", now.path("state").asText());
        assertEquals(
                m.primary(),
                now.path("replicationCluster").path("failoverDrReplicaName").asText());
        assertEquals(
                m.primary() + ".write." + GoogleCloudFake.PROJECT + ".sql.goog.",
                now.path("replicationCluster").path("psaWriteEndpoint").asText(),
                "the write endpoint follows the primary role");
        assertEquals(
                GoogleCloudFake.PROJECT + ":" + m.secondary(),
                fake.sql.instance(m.primary()).path("masterInstanceName").asText());
    }

    /**
     * The apply's switchover still runs when the undo comes (the attempt that asked for it gave up): the undo waits for
     * its operation and switches back; it does not read the old primary, still primary meanwhile, as nothing to undo.
     */
    @Test
    void theUndoOfASwitchoverStillUnderWayWaitsForItThenSwitchesBack() {
        Members m = newMembers();
        Switchover action = new Switchover(providers);
        StepPlan plan = action.plan(switchTo(m.secondary()));
        fake.sql.runningReads = 3;
        fake.sql.switchover(m.secondary(), "", java.util.Map.of());

        var undone = action.undo(switchTo(m.secondary()), plan);

        assertTrue(undone.summary().contains("switchover under way"), undone.summary());
        assertFalse(fake.sql.underWay(m.secondary()), "nothing left under way to switch the database again");
        assertEquals(m.primary(), primaryOf(m));
    }

    /** An undo retried while its own switch back still runs (posted on the old primary) waits for it, posting nothing. */
    @Test
    void aRetriedUndoWaitsForItsOwnSwitchBackUnderWay() {
        Members m = newMembers();
        Switchover action = new Switchover(providers);
        StepPlan plan = action.plan(switchTo(m.secondary()));
        assertTrue(action.apply(switchTo(m.secondary()), plan).changed());
        fake.sql.runningReads = 3;
        fake.sql.switchover(m.primary(), "", java.util.Map.of()); // the undo's first attempt, which gave up
        int posts = fake.count("POST", SWITCHOVER);

        var undone = action.undo(switchTo(m.secondary()), plan);

        assertTrue(undone.summary().contains("switchover under way"), undone.summary());
        assertEquals(posts, fake.count("POST", SWITCHOVER), "nothing posted again");
        assertFalse(fake.sql.underWay(m.primary()));
        assertEquals(m.primary(), primaryOf(m));
    }

    @Test
    void namingThePrimaryItselfChangesNothing() {
        Members m = newMembers();

        StepPlan plan = new Switchover(providers).plan(switchTo(m.primary()));

        assertFalse(plan.changes(), plan.summary());
        assertTrue(
                plan.summary()
                        .startsWith(m.primary() + ": already primary " + m.primary() + ", secondary " + m.secondary()),
                plan.summary());
    }

    @Test
    void aReplicaThatIsNotTheDesignatedDrReplicaIsRefusedBeforeAnyChange() {
        Members m = newMembers();
        fake.sql.putReplica(m.primary() + "-read", "us-east1", m.primary());

        ApplicationFailure failure = failure(() -> new Switchover(providers).plan(switchTo(m.primary() + "-read")));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("cannot take the primary role by a switchover"),
                failure.getOriginalMessage());
        assertEquals(m.primary(), primaryOf(m));
    }

    @Test
    void aPrimaryWithoutADrReplicaCannotSwitchOver() {
        int n = ++made;
        fake.sql.putPrimary("solo-" + n, "us-central1");

        ApplicationFailure failure = failure(() -> new Switchover(providers).plan(switchTo("solo-" + n)));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("has no disaster-recovery replica"),
                failure.getOriginalMessage());
    }

    @Test
    void aSwitchoverAlreadyUnderWayIsWorthRetrying() {
        Members m = newMembers();
        fake.failNext("POST", "/instances/" + m.secondary() + "/switchover", 409, "operationInProgress");
        Switchover action = new Switchover(providers);

        ApplicationFailure failure =
                failure(() -> action.apply(switchTo(m.secondary()), action.plan(switchTo(m.secondary()))));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
        assertFalse(failure.isNonRetryable());
        assertEquals(m.primary(), primaryOf(m));
    }
}
