package io.baran.worker.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.PromoteReplica;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code database.promote-replica} of a secondary cluster of an Aurora global database. moto 5.2 implements
 * DescribeGlobalClusters but not FailoverGlobalCluster (nor SwitchoverGlobalCluster), so the RDS Query API is
 * served by WireMock, with the response shapes of the RDS API reference (DescribeDBInstances' DBInstanceNotFound
 * error, DescribeGlobalClusters, FailoverGlobalCluster). The global database moves through the states the API
 * reference gives: secondary, failing-over (FailoverState), then writer.
 */
@Timeout(60)
class AuroraGlobalFailoverIT {

    private static final String US = "arn:aws:rds:us-east-1:123456789012:cluster:orders-us";
    private static final String EU = "arn:aws:rds:eu-west-1:123456789012:cluster:orders-eu";
    private static final String FAILING_OVER = "failing-over";
    private static final String DONE = "done";

    private WireMockServer rds;
    private Providers providers;

    @BeforeEach
    void start() {
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test"));
        rds = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        rds.start();
        rds.stubFor(action("DescribeDBInstances")
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "text/xml")
                        .withBody(
                                "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type>"
                                        + "<Code>DBInstanceNotFound</Code><Message>DBInstance orders-eu not found.</Message></Error>"
                                        + "<RequestId>baran-test</RequestId></ErrorResponse>")));
        describeIn(Scenario.STARTED, globalCluster(false, null));
        describeIn(
                FAILING_OVER,
                globalCluster(
                        false,
                        "<FailoverState><Status>failing-over</Status><FromDbClusterArn>" + US
                                + "</FromDbClusterArn><ToDbClusterArn>" + EU
                                + "</ToDbClusterArn><IsDataLossAllowed>true</IsDataLossAllowed>"
                                + "</FailoverState>"),
                DONE);
        describeIn(DONE, globalCluster(true, null));
        rds.stubFor(action("FailoverGlobalCluster")
                .inScenario("global")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo(FAILING_OVER)
                .willReturn(xml("<FailoverGlobalClusterResponse xmlns=\"http://rds.amazonaws.com/"
                        + "doc/2014-10-31/\"><FailoverGlobalClusterResult>"
                        + globalClusterElement(
                                "GlobalCluster",
                                false,
                                "<FailoverState><Status>pending</Status><FromDbClusterArn>" + US
                                        + "</FromDbClusterArn><ToDbClusterArn>" + EU
                                        + "</ToDbClusterArn><IsDataLossAllowed>true</IsDataLossAllowed></FailoverState>")
                        + "</FailoverGlobalClusterResult><ResponseMetadata><RequestId>baran-test</RequestId></ResponseMetadata>"
                        + "</FailoverGlobalClusterResponse>")));
        providers = Providers.connect(
                List.of(new ProviderSettings(
                        "aws-dr",
                        "aws",
                        "eu-west-1",
                        Optional.of(URI.create(rds.baseUrl())),
                        Map.of("promote-timeout", "20s"))),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE));
    }

    @AfterEach
    void stop() {
        if (providers != null) {
            providers.close();
        }
        rds.stop();
    }

    private static StepCommand promote(String fence) {
        return new StepCommand(
                "exec-1",
                "promote-orders",
                PromoteReplica.NAME,
                Map.of("provider", "aws-dr", "instance", "orders-eu", "fence", fence));
    }

    @Test
    void planSaysTheSecondaryWillBePromotedAndChangesNothing() {
        StepPlan plan = new PromoteReplica(providers).plan(promote("best-effort"));

        assertTrue(plan.changes());
        assertTrue(
                plan.summary()
                        .startsWith("orders-eu: Aurora cluster orders-eu in eu-west-1 (global database orders-global)"
                                + " replica replicating from orders-us -> promoted to primary"),
                plan.summary());
        assertTrue(plan.summary().endsWith("[control plane: RDS in aws/eu-west-1]"), plan.summary());
        rds.verify(
                0, postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=FailoverGlobalCluster")));
    }

    @Test
    void applyFailsTheGlobalDatabaseOverToTheSecondaryAndASecondApplyChangesNothing() {
        PromoteReplica action = new PromoteReplica(providers);
        StepCommand command = promote("best-effort");
        StepPlan plan = action.plan(command);

        StepOutcome outcome = action.apply(command, plan);

        assertTrue(outcome.changed(), outcome.summary());
        assertTrue(outcome.summary().contains("is primary"), outcome.summary());
        rds.verify(
                1,
                postRequestedFor(urlPathEqualTo("/"))
                        .withRequestBody(containing("Action=FailoverGlobalCluster"))
                        .withRequestBody(containing("GlobalClusterIdentifier=orders-global"))
                        .withRequestBody(containing("TargetDbClusterIdentifier=" + EU.replace(":", "%3A")))
                        .withRequestBody(containing("AllowDataLoss=true")));
        StepOutcome second = action.apply(command, plan);
        assertFalse(second.changed(), second.summary());
        rds.verify(
                1, postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=FailoverGlobalCluster")));
    }

    /**
     * A FailoverGlobalCluster whose answer is an error is sent once: the SDK does not send it again by itself (a second
     * one would be refused while the first runs); the failure is retryable, for the step's next attempt to observe.
     */
    @Test
    void aFailoverCallThatFailsIsNotSentAgainByTheSdk() {
        rds.stubFor(action("FailoverGlobalCluster")
                .atPriority(1)
                .willReturn(aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "text/xml")
                        .withBody("<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error>"
                                + "<Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>try later</Message>"
                                + "</Error><RequestId>baran-test</RequestId></ErrorResponse>")));
        PromoteReplica action = new PromoteReplica(providers);
        StepCommand command = promote("best-effort");
        StepPlan plan = action.plan(command);

        var failure = assertThrows(io.temporal.failure.ApplicationFailure.class, () -> action.apply(command, plan));

        assertEquals(
                io.baran.workflow.FailureTypes.PROVIDER_UNAVAILABLE, failure.getType(), failure.getOriginalMessage());
        assertFalse(failure.isNonRetryable());
        rds.verify(
                1, postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=FailoverGlobalCluster")));
    }

    @Test
    void undoRefusesAndSaysHowToFailBack() {
        PromoteReplica action = new PromoteReplica(providers);
        StepCommand command = promote("best-effort");
        StepPlan plan = action.plan(command);
        action.apply(command, plan);

        ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> action.undo(command, plan));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("To fail back"), failure.getOriginalMessage());
    }

    /**
     * The attempt that sent FailoverGlobalCluster gave up while the global database was still failing over: the undo
     * waits for the failover to end, then refuses as for a done one; it does not read the cluster, still a reader while
     * the failover runs, as a promotion that never happened.
     */
    @Test
    void theUndoOfAGlobalFailoverStillUnderWayWaitsForItAndRefuses() {
        PromoteReplica action = new PromoteReplica(providers);
        StepCommand command = promote("best-effort");
        StepPlan plan = action.plan(command);
        rds.setScenarioState("global", FAILING_OVER); // FailoverGlobalCluster sent, the attempt gone

        ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> action.undo(command, plan));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType(), failure.getOriginalMessage());
        assertTrue(
                failure.getOriginalMessage().contains("under way (failing-over) ended"), failure.getOriginalMessage());
    }

    @Test
    void fenceRequiredIsRefusedBeforeAnyCall() {
        ApplicationFailure failure =
                assertThrows(ApplicationFailure.class, () -> new PromoteReplica(providers).plan(promote("required")));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertEquals(0, rds.getAllServeEvents().size(), "no call was made");
    }

    @Test
    void aClusterInNoGlobalDatabaseIsRejectedNamingIt() {
        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> new PromoteReplica(providers)
                        .plan(new StepCommand(
                                "exec-1",
                                "promote",
                                PromoteReplica.NAME,
                                Map.of("provider", "aws-dr", "instance", "orders-xx", "fence", "best-effort"))));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("no Aurora global database has a cluster of that name"),
                failure.getOriginalMessage());
    }

    private static com.github.tomakehurst.wiremock.client.MappingBuilder action(String name) {
        return post(urlPathEqualTo("/")).withRequestBody(containing("Action=" + name + "&"));
    }

    private void describeIn(String state, String body) {
        describeIn(state, body, null);
    }

    private void describeIn(String state, String body, String next) {
        var stub = action("DescribeGlobalClusters").inScenario("global").whenScenarioStateIs(state);
        if (next != null) {
            stub = stub.willSetStateTo(next);
        }
        rds.stubFor(stub.willReturn(xml(body)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder xml(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "text/xml")
                .withBody(body);
    }

    /** DescribeGlobalClusters' answer: one global database of two clusters, us-east-1 and eu-west-1. */
    private static String globalCluster(boolean euWrites, String failoverState) {
        return "<DescribeGlobalClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><DescribeGlobalClustersResult>"
                + "<GlobalClusters>" + globalClusterElement("GlobalClusterMember", euWrites, failoverState)
                + "</GlobalClusters>"
                + "</DescribeGlobalClustersResult><ResponseMetadata><RequestId>baran-test</RequestId></ResponseMetadata>"
                + "</DescribeGlobalClustersResponse>";
    }

    /** A GlobalCluster; in a list its element is named GlobalClusterMember, as the API reference's list shape says. */
    private static String globalClusterElement(String element, boolean euWrites, String failoverState) {
        return "<" + element + "><GlobalClusterIdentifier>orders-global</GlobalClusterIdentifier>"
                + "<GlobalClusterArn>arn:aws:rds::123456789012:global-cluster:orders-global</GlobalClusterArn>"
                + "<Status>" + (failoverState == null ? "available" : "failing-over") + "</Status>"
                + "<Engine>aurora-postgresql</Engine><GlobalClusterMembers>"
                + member(US, !euWrites, euWrites ? null : EU) + member(EU, euWrites, euWrites ? US : null)
                + "</GlobalClusterMembers>" + (failoverState == null ? "" : failoverState) + "</" + element + ">";
    }

    private static String member(String arn, boolean writer, String reader) {
        return "<GlobalClusterMember><DBClusterArn>" + arn + "</DBClusterArn>"
                + (reader == null ? "" : "<Readers><member>" + reader + "</member></Readers>")
                + "<IsWriter>" + writer + "</IsWriter>"
                + (writer ? "" : "<SynchronizationStatus>connected</SynchronizationStatus>") + "</GlobalClusterMember>";
    }
}
