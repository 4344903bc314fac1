package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.Ports;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.Switchover;
import io.baran.worker.action.SwitchoverConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code database.switchover} of an Aurora global database through {@code SwitchoverGlobalCluster}. moto has no
 * SwitchoverGlobalCluster, so the RDS Query API's global-database calls are served by {@link FakeRdsGlobalClusters}
 * (WireMock, the documented request and response shapes, stateful): each global database has a writer in us-east-1
 * and secondaries in eu-west-1 and ap-southeast-2, and a switchover moves through its FailoverState before the
 * roles swap.
 */
@Timeout(120)
class AuroraGlobalSwitchoverIT extends SwitchoverConformance {

    private static final String PROVIDER = "aws-dr";
    private static final String UNREACHABLE = "aws-unreachable";
    private static FakeRdsGlobalClusters fake;
    private static Providers providers;
    private static int made;

    @BeforeAll
    static void start() {
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test"));
        fake = new FakeRdsGlobalClusters();
        providers = Providers.connect(
                List.of(
                        new ProviderSettings(
                                PROVIDER,
                                "aws",
                                "eu-west-1",
                                Optional.of(URI.create(fake.endpoint())),
                                Map.of("promote-timeout", "20s")),
                        new ProviderSettings(
                                UNREACHABLE,
                                "aws",
                                "eu-west-1",
                                Optional.of(URI.create("http://127.0.0.1:" + Ports.free())),
                                Map.of())),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE));
    }

    @AfterAll
    static void stop() {
        if (providers != null) {
            providers.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @AfterEach
    void everyRequestHadTheDocumentedShape() {
        assertEquals(List.of(), fake.violations());
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return PROVIDER;
    }

    @Override
    protected String unreachableProviderName() {
        return UNREACHABLE;
    }

    private static String global(Members m) {
        return m.primary().replace("-us", "-global");
    }

    @Override
    protected Members newMembers() {
        int n = ++made;
        String base = "orders-" + n;
        fake.putGlobal(
                base + "-global",
                FakeRdsGlobalClusters.arn("us-east-1", base + "-us"),
                FakeRdsGlobalClusters.arn("eu-west-1", base + "-eu"),
                FakeRdsGlobalClusters.arn("ap-southeast-2", base + "-ap"));
        return new Members(base + "-us", base + "-eu");
    }

    @Override
    protected String primaryOf(Members members) {
        String arn = fake.writer(global(members));
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    /** Someone else switches the global database over to its third member, ap-southeast-2. */
    @Override
    protected void changeTopologyByHand(Members members) {
        fake.setWriter(
                global(members),
                FakeRdsGlobalClusters.arn("ap-southeast-2", members.primary().replace("-us", "-ap")));
    }

    @Override
    protected ControlPlane controlPlane(String instance) {
        return new ControlPlane("aws/eu-west-1", "rds", "RDS");
    }

    private static StepCommand switchTo(String instance) {
        return new StepCommand(
                "exec-1", "switch-db", Switchover.NAME, Map.of("provider", PROVIDER, "instance", instance));
    }

    @Test
    void applyCallsSwitchoverGlobalClusterOnceAndWaitsThroughItsFailoverState() {
        Members m = newMembers();
        Switchover action = new Switchover(providers);
        int before = fake.count("SwitchoverGlobalCluster");
        StepPlan plan = action.plan(switchTo(m.secondary()));
        assertEquals(before, fake.count("SwitchoverGlobalCluster"), "the plan calls nothing that changes");
        int describesBefore = fake.count("DescribeGlobalClusters");

        assertTrue(action.apply(switchTo(m.secondary()), plan).changed());

        assertEquals(before + 1, fake.count("SwitchoverGlobalCluster"));
        assertTrue(
                fake.count("DescribeGlobalClusters") - describesBefore >= 4,
                "read pending, switching-over and the swapped roles before ending");
        assertEquals(m.secondary(), primaryOf(m));
        List<?> secondaries =
                (List<?>) action.plan(switchTo(m.secondary())).observed().get("secondaries");
        assertEquals(List.of(m.primary().replace("-us", "-ap"), m.primary()), secondaries);
    }

    /**
     * Clusters of one global database named alike in each region (a common way to name them): a promotion by name takes
     * the provider's region's (eu-west-1, a reader: it will be promoted), not the first listed (us-east-1, the writer,
     * which read as "already primary" and promoted nothing).
     */
    @Test
    void aPromotionByNameTakesTheProvidersRegionsClusterOfThatName() {
        String name = alikeInTwoRegions();
        StepCommand promote = new StepCommand(
                "exec-1",
                "promote-orders",
                io.baran.worker.action.PromoteReplica.NAME,
                Map.of("provider", PROVIDER, "instance", name, "fence", "best-effort"));

        StepPlan plan = new io.baran.worker.action.PromoteReplica(providers).plan(promote);

        assertTrue(plan.changes(), plan.summary());
        assertTrue(plan.summary().contains("in eu-west-1"), plan.summary());
    }

    /** The switchover's topology names clusters by name: two alike are refused, not taken for one. */
    @Test
    void aSwitchoverOfAGlobalDatabaseWithClustersNamedAlikeIsRefused() {
        String name = alikeInTwoRegions();

        ApplicationFailure failure = org.junit.jupiter.api.Assertions.assertThrows(
                ApplicationFailure.class, () -> new Switchover(providers).plan(switchTo(name)));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType(), failure.getOriginalMessage());
        assertTrue(
                failure.getOriginalMessage().contains("more than one cluster named " + name),
                failure.getOriginalMessage());
    }

    /** A global database whose writer (us-east-1) and secondary (eu-west-1) are named alike: that name. */
    private static String alikeInTwoRegions() {
        String name = "alike-" + (++made);
        fake.putGlobal(
                name + "-global",
                FakeRdsGlobalClusters.arn("us-east-1", name),
                FakeRdsGlobalClusters.arn("eu-west-1", name));
        return name;
    }

    @Test
    void theInstanceMayBeTheClustersArn() {
        Members m = newMembers();
        Switchover action = new Switchover(providers);
        StepCommand byArn = switchTo(FakeRdsGlobalClusters.arn("eu-west-1", m.secondary()));

        StepPlan plan = action.plan(byArn);
        assertEquals(m.secondary(), plan.desired().get("primary"));
        assertTrue(action.apply(byArn, plan).changed());

        assertEquals(m.secondary(), primaryOf(m));
        assertTrue(action.undo(byArn, plan).changed());
        assertEquals(m.primary(), primaryOf(m));
    }

    @Test
    void thePlanNamesTheGlobalDatabase() {
        Members m = newMembers();

        StepPlan plan = new Switchover(providers).plan(switchTo(m.secondary()));

        assertEquals(global(m), plan.observed().get("group"));
        assertTrue(plan.summary().contains("undo switches back to " + m.primary()), plan.summary());
    }

    @Test
    void aSwitchoverToAnotherMemberUnderWayIsNeverOverridden() {
        Members m = newMembers();
        Switchover action = new Switchover(providers);
        StepPlan plan = action.plan(switchTo(m.secondary()));
        String ap = m.primary().replace("-us", "-ap");
        fake.startSwitchover(global(m), FakeRdsGlobalClusters.arn("ap-southeast-2", ap));
        int before = fake.count("SwitchoverGlobalCluster");

        ApplicationFailure failure = failure(() -> action.apply(switchTo(m.secondary()), plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("switchover pending from " + m.primary() + " to " + ap)
                        || failure.getOriginalMessage()
                                .contains("switchover switching-over from " + m.primary() + " to " + ap)
                        || failure.getOriginalMessage().contains("is now in primary " + ap),
                failure.getOriginalMessage());
        assertEquals(before, fake.count("SwitchoverGlobalCluster"), "no switchover was asked for");
    }

    /**
     * The apply's switchover still runs when the undo comes (the attempt that asked for it gave up): the undo waits for
     * it to end and switches back; it does not read the old writer, still writer meanwhile, as nothing to switch back.
     */
    @Test
    void theUndoOfASwitchoverStillUnderWayWaitsForItThenSwitchesBack() {
        Members m = newMembers();
        Switchover action = new Switchover(providers);
        StepPlan plan = action.plan(switchTo(m.secondary()));
        fake.startSwitchover(global(m), FakeRdsGlobalClusters.arn("eu-west-1", m.secondary()));

        var undone = action.undo(switchTo(m.secondary()), plan);

        assertTrue(undone.summary().contains("under way"), undone.summary());
        assertFalse(fake.switching(global(m)), "nothing left under way to move the writer again");
        assertEquals(m.primary(), primaryOf(m));
    }

    @Test
    void aRetriedApplyWaitsForItsOwnSwitchoverUnderWay() {
        Members m = newMembers();
        Switchover action = new Switchover(providers);
        StepPlan plan = action.plan(switchTo(m.secondary()));
        // As if an earlier attempt had asked for the switchover and timed out waiting.
        fake.startSwitchover(global(m), FakeRdsGlobalClusters.arn("eu-west-1", m.secondary()));
        int before = fake.count("SwitchoverGlobalCluster");

        assertTrue(action.apply(switchTo(m.secondary()), plan).changed());

        assertEquals(
                before,
                fake.count("SwitchoverGlobalCluster"),
                "the switchover under way was waited for, not asked for again");
        assertEquals(m.secondary(), primaryOf(m));
    }

    @Test
    void aClusterInNoGlobalDatabaseIsRejected() {
        ApplicationFailure failure = failure(() -> new Switchover(providers).plan(switchTo("orders-xx")));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("no Aurora global database has a cluster of that name"),
                failure.getOriginalMessage());
    }
}
