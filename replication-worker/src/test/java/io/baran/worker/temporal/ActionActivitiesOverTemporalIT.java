package io.baran.worker.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.baran.testinfra.MotoServer;
import io.baran.testinfra.TemporalDevServer;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.action.ActionActivitiesImpl;
import io.baran.worker.action.ActionRegistry;
import io.baran.worker.action.DnsSwitch;
import io.baran.worker.action.HealthCheck;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.TemporalClients;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The activities hosted by a real Temporal worker on {@link TaskQueues#ACTIONS}, called by a workflow
 * through the Temporal dev server: every value crosses the workflow history as JSON, as in production.
 */
@Timeout(180)
class ActionActivitiesOverTemporalIT {

    private static TemporalDevServer temporal;
    private static MotoServer moto;
    private static MotoZone zone;
    private static Providers providers;
    private static WorkflowServiceStubs stubs;
    private static WorkerFactory actionWorker;
    private static StepDriver driver;

    @BeforeAll
    static void start() {
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test"));
        temporal = TemporalDevServer.start(WorkDirs.create("temporal"), false);
        moto = MotoServer.start(WorkDirs.create("moto"));
        zone = new MotoZone(moto.endpoint());
        providers = Providers.connect(
                List.of(new ProviderSettings(
                        "aws-local", "aws", "us-east-1", Optional.of(URI.create(moto.endpoint())))),
                ProviderContext.of(Duration.ofSeconds(10), new ActivityHeartbeat()));

        stubs = TemporalClients.stubs(temporal.target());
        WorkflowClient client = TemporalClients.client(stubs, "default");
        actionWorker = WorkerFactory.newInstance(client);
        ActivityHeartbeat heartbeat = new ActivityHeartbeat();
        actionWorker
                .newWorker(TaskQueues.ACTIONS)
                .registerActivitiesImplementations(new ActionActivitiesImpl(new ActionRegistry(List.of(
                        new DnsSwitch(providers),
                        new HealthCheck(
                                heartbeat,
                                io.baran.egress.EgressPolicy.defaults().allowing(List.of("127.0.0.1")))))));
        actionWorker.start();
        driver = new StepDriver(client);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.close();
        }
        if (actionWorker != null) {
            actionWorker.shutdown();
            actionWorker.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (stubs != null) {
            stubs.shutdown();
        }
        if (providers != null) {
            providers.close();
        }
        if (zone != null) {
            zone.close();
        }
        if (moto != null) {
            moto.close();
        }
        if (temporal != null) {
            temporal.close();
        }
    }

    private static StepCommand dnsSwitch(String record, String provider) {
        return new StepCommand(
                "exec-1",
                "move-traffic",
                "dns.switch",
                Map.of(
                        "provider",
                        provider,
                        "zone",
                        "baran.test",
                        "record",
                        record,
                        "type",
                        "CNAME",
                        "to",
                        "standby.baran.test",
                        "ttl",
                        60));
    }

    @Test
    void switchingAppliesOnceAndUndoPutsTheRecordBack() {
        zone.set("www.baran.test.", "CNAME", "primary.baran.test.", 300);

        StepTrace trace = driver.run(dnsSwitch("www", "aws-local"), 2, true);

        assertTrue(trace.plan().changes());
        assertEquals(
                "www.baran.test. CNAME primary.baran.test. (ttl 300) -> standby.baran.test. (ttl 60)"
                        + " [control plane: Route 53 in aws/us-east-1]",
                trace.plan().summary());
        assertEquals("aws/us-east-1", trace.plan().observed().get("controlPlaneRegion"), "crossed the history as JSON");
        assertTrue(trace.applies().get(0).changed(), trace.applies().get(0).summary());
        assertFalse(trace.applies().get(1).changed(), "the second apply of the same plan changes nothing");
        assertTrue(trace.undo().changed(), trace.undo().summary());
        assertEquals(Optional.of("[primary.baran.test.] 300"), zone.get("www.baran.test.", "CNAME"));
    }

    @Test
    void theRecordStaysSwitchedUntilUndone() {
        zone.set("shop.baran.test.", "CNAME", "primary.baran.test.", 300);

        StepTrace trace = driver.run(dnsSwitch("shop", "aws-local"), 1, false);

        assertNull(trace.undo());
        assertEquals(Optional.of("[standby.baran.test.] 60"), zone.get("shop.baran.test.", "CNAME"));
    }

    @Test
    void nonRetryableFailuresReachTheWorkflowWithTheirTypeAndAreNotRetried() {
        StepCommand unknownAction = new StepCommand("exec-1", "move-traffic", "dns.swtich", Map.of());
        StepCommand unknownProvider = dnsSwitch("www", "aws-elsewhere");

        ApplicationFailure action = applicationFailure(() -> driver.run(unknownAction, 0, false));
        assertEquals(FailureTypes.INVALID_INPUT, action.getType());
        assertTrue(
                action.getOriginalMessage().contains("action dns.swtich is not hosted"), action.getOriginalMessage());
        assertEquals(List.of(1), driver.activityAttempts(), "tried once despite unlimited retries");

        ApplicationFailure provider = applicationFailure(() -> driver.run(unknownProvider, 0, false));
        assertEquals(FailureTypes.CAPABILITY_MISSING, provider.getType());
        assertEquals(
                "provider aws-elsewhere is not configured in the replication-worker (configured: aws-local)",
                provider.getOriginalMessage());
        assertEquals(List.of(1), driver.activityAttempts());
    }

    @Test
    void aHealthCheckLongerThanTheHeartbeatTimeoutKeepsItsActivityAlive() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Unhealthy for 8 tries 500 ms apart: longer than the driver's 2 s heartbeat timeout.
        server.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(requests.incrementAndGet() <= 8 ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/healthz";
            StepTrace trace = driver.run(
                    new StepCommand(
                            "exec-1",
                            "standby-answers",
                            "health.check",
                            Map.of("url", url, "within", "30s", "interval", "500ms")),
                    1,
                    false);

            assertEquals(
                    "GET " + url + " answered 200 (try 9)",
                    trace.applies().get(0).summary());
            assertEquals(0, driver.activityTimeouts());
            assertEquals(List.of(1, 1), driver.activityAttempts(), "plan and apply each ran once");
        } finally {
            server.stop(0);
        }
    }

    private static ApplicationFailure applicationFailure(org.junit.jupiter.api.function.Executable run) {
        WorkflowFailedException failed = assertThrows(WorkflowFailedException.class, run);
        ActivityFailure activity = assertInstanceOf(ActivityFailure.class, failed.getCause());
        ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, activity.getCause());
        assertTrue(failure.isNonRetryable());
        return failure;
    }
}
