package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.baran.egress.Destination;
import io.baran.egress.EgressPolicy;
import io.baran.egress.PinnedHttp;
import io.baran.testinfra.Ports;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code health.check} against a real HTTP server on 127.0.0.1. */
@Timeout(60)
class HealthCheckTest {

    private HttpServer server;
    private ExecutorService threads;
    private final AtomicInteger requests = new AtomicInteger();
    /** The status the server answers to its n-th request (counted from 1). */
    private volatile IntUnaryOperator answer = n -> 200;

    private volatile long hangMillis;
    private final List<String> heartbeats = new CopyOnWriteArrayList<>();
    /** The test server listens on 127.0.0.1, which production refuses. */
    private static final EgressPolicy LOOPBACK_ALLOWED = EgressPolicy.defaults().allowing(List.of("127.0.0.1"));

    private final HealthCheck healthCheck = new HealthCheck(heartbeats::add, LOOPBACK_ALLOWED);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/healthz", exchange -> {
            int n = requests.incrementAndGet();
            if (hangMillis > 0) {
                try {
                    Thread.sleep(hangMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(answer.applyAsInt(n), -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        threads.shutdownNow();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/healthz";
    }

    private StepCommand command(Map<String, Object> with) {
        return new StepCommand("exec-1", "standby-answers", "health.check", with);
    }

    private StepCommand command(String within, String interval) {
        Map<String, Object> with = new HashMap<>();
        with.put("url", url());
        with.put("within", within);
        with.put("interval", interval);
        return command(with);
    }

    private StepOutcome apply(StepCommand command) {
        return healthCheck.apply(command, healthCheck.plan(command));
    }

    @Test
    void passesOn200() {
        StepOutcome outcome = apply(command("30s", "100ms"));

        assertFalse(outcome.changed());
        assertEquals("GET " + url() + " answered 200 (try 1)", outcome.summary());
        assertEquals(1, requests.get());
    }

    @Test
    void failsWhenItAnswers503ForTheWholeWithin() {
        answer = n -> 503;

        ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> apply(command("2s", "200ms")));

        assertEquals(FailureTypes.HEALTH_CHECK_FAILED, failure.getType());
        assertTrue(failure.isNonRetryable());
        assertTrue(
                failure.getOriginalMessage()
                        .startsWith("step standby-answers: GET " + url() + " did not answer 200 within 2s ("),
                failure.getOriginalMessage());
        assertTrue(failure.getOriginalMessage().endsWith("last: HTTP 503)"), failure.getOriginalMessage());
        assertTrue(requests.get() >= 2, "it kept trying: " + requests.get());
        assertEquals(requests.get(), heartbeats.size(), "one heartbeat per failed try");
    }

    @Test
    void passesWhenTheServerBecomesHealthyMidway() {
        answer = n -> n <= 3 ? 503 : 200;

        StepOutcome outcome = apply(command("30s", "100ms"));

        assertEquals("GET " + url() + " answered 200 (try 4)", outcome.summary());
        assertEquals(4, requests.get());
        assertEquals(List.of("try 1: HTTP 503", "try 2: HTTP 503", "try 3: HTTP 503"), heartbeats);
    }

    @Test
    void expectsTheStatusTheStepNames() {
        answer = n -> 204;
        Map<String, Object> with = new HashMap<>(command("5s", "100ms").with());
        with.put("expect", 204L);

        assertEquals(
                "GET " + url() + " answered 204 (try 1)", apply(command(with)).summary());
    }

    @Test
    void anUnreachableUrlFailsNamingTheLastError() {
        Map<String, Object> with =
                Map.of("url", "http://127.0.0.1:" + Ports.free() + "/healthz", "within", "1s", "interval", "200ms");

        ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> apply(command(with)));

        assertEquals(FailureTypes.HEALTH_CHECK_FAILED, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("last: ConnectException"), failure.getOriginalMessage());
    }

    @Test
    void aServerThatNeverAnswersStillEndsTheCheck() {
        hangMillis = 20_000;

        ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> apply(command("1s", "100ms")));

        assertEquals(FailureTypes.HEALTH_CHECK_FAILED, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("last: no answer within"), failure.getOriginalMessage());
    }

    @Test
    void planChangesNothingAndSaysWhatItWaitsFor() {
        StepPlan plan = healthCheck.plan(command(Map.of("url", url(), "within", "30s")));

        assertFalse(plan.changes());
        assertEquals("GET " + url() + " expects 200 within 30s", plan.summary());
        assertEquals(0, requests.get());
    }

    @Test
    void undoChangesNothing() {
        StepCommand command = command("30s", "1s");

        assertFalse(healthCheck.undo(command, healthCheck.plan(command)).changed());
        assertEquals(0, requests.get());
    }

    @Test
    void badInputIsRefusedBeforeAnyCall() {
        Map<String, Object> with =
                Map.of("url", "ftp://127.0.0.1/healthz", "expect", "ok", "within", "soon", "timeout", "5s");

        ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> healthCheck.plan(command(with)));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        String message = failure.getOriginalMessage();
        for (String part : List.of(
                "with.url \"ftp://127.0.0.1/healthz\" is not an http or https URL",
                "with.expect must be a whole number, not the text \"ok\"",
                "with.within \"soon\" is not a duration",
                "with.timeout is not a field of health.check")) {
            assertTrue(message.contains(part), "missing <" + part + "> in: " + message);
        }
        assertEquals(0, requests.get());
    }

    @Test
    void aNameThatResolvesToTheMetadataAddressIsRefusedBeforeAnyConnection() {
        List<String> sent = new CopyOnWriteArrayList<>();
        PinnedHttp neverConnects = new PinnedHttp() {
            @Override
            public int send(
                    String method,
                    java.net.URI url,
                    Destination to,
                    Map<String, String> headers,
                    byte[] body,
                    java.time.Duration timeout) {
                sent.add(method + " " + url + " to " + to.address());
                return 200;
            }
        };
        EgressPolicy rebinding = LOOPBACK_ALLOWED.withResolver(host -> new InetAddress[] {
            InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})
        });
        HealthCheck check = new HealthCheck(heartbeats::add, rebinding, neverConnects);
        StepCommand command = command(Map.of("url", "http://standby.example.com/latest/meta-data/", "within", "5s"));

        ApplicationFailure failure =
                assertThrows(ApplicationFailure.class, () -> check.apply(command, check.plan(command)));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        assertTrue(failure.isNonRetryable());
        assertTrue(
                failure.getOriginalMessage()
                        .contains("standby.example.com resolves to 169.254.169.254, is a cloud metadata address"
                                + ": refused by the egress policy (rule metadata)"),
                failure.getOriginalMessage());
        assertEquals(List.of(), sent, "no request may be made");
        assertEquals(List.of(), heartbeats, "refused at once, not retried");
    }

    @Test
    void theMetadataAddressWrittenInTheUrlIsRefusedWhenTheStepIsBound() {
        Map<String, Object> with = Map.of("url", "http://169.254.169.254/latest/meta-data/");

        ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> healthCheck.plan(command(with)));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("rule metadata"), failure.getOriginalMessage());
    }

    @Test
    void productionRefusesLoopbackAtRunTime() {
        HealthCheck production = new HealthCheck(heartbeats::add);

        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> production.apply(command("5s", "100ms"), production.plan(command("5s", "100ms"))));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("rule loopback"), failure.getOriginalMessage());
        assertEquals(0, requests.get());
    }
}
