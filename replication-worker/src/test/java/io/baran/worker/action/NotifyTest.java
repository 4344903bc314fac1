package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.baran.worker.config.NotifyConfig;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code notify} posting to a real HTTP server on 127.0.0.1 that stands in for a chat webhook. */
@Timeout(60)
class NotifyTest {

    private static final String SECRET_PATH = "/hooks/T000/B000/s3cr3t-token";

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    /** The status the webhook answers its n-th request (from 1). */
    private volatile IntUnaryOperator answer = n -> 200;

    private final List<String> heartbeats = new CopyOnWriteArrayList<>();
    private Notify notify;
    private String url;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(SECRET_PATH, exchange -> {
            int n = requests.incrementAndGet();
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            idempotencyKeys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            exchange.sendResponseHeaders(answer.applyAsInt(n), -1);
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + SECRET_PATH;
        notify = new Notify(
                channels(Map.of("oncall", channel("webhook", "ONCALL_URL")), Map.of("ONCALL_URL", url)),
                heartbeats::add);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void postsTheMessageWithTheExecutionSoADrillSaysItIsADrill() throws IOException {
        StepCommand command = step(Map.of("channel", "oncall", "message", "moving www to the standby"));
        StepPlan plan = notify.plan(command);
        assertEquals(0, requests.get(), "planning sends nothing");
        assertTrue(plan.summary().contains("oncall"), plan.summary());

        StepOutcome outcome = notify.apply(command, plan);

        assertFalse(outcome.changed());
        assertEquals(1, requests.get());
        JsonNode body = new ObjectMapper().readTree(bodies.get(0));
        assertEquals(
                "[drill-shop-1a2b] moving www to the standby", body.get("text").asText());
        assertEquals("drill-shop-1a2b", body.get("baran").get("execution").asText());
        assertEquals("tell-people", body.get("baran").get("step").asText());
        assertEquals("drill-shop-1a2b/tell-people", idempotencyKeys.get(0));
        assertTrue(outcome.summary().startsWith("told oncall"), outcome.summary());
    }

    @Test
    void aWebhookThatIsDownDoesNotStopTheRunbookByDefault() {
        answer = n -> 503;
        StepCommand command = step(Map.of("channel", "oncall", "message", "failing over"));

        StepOutcome outcome = notify.apply(command, notify.plan(command));

        assertEquals(Notify.BEST_EFFORT_TRIES, requests.get(), "tried a bounded number of times");
        assertTrue(outcome.summary().startsWith("not delivered to oncall: HTTP 503"), outcome.summary());
        assertFalse(outcome.summary().contains("s3cr3t"), "the webhook URL is a secret: " + outcome.summary());
        assertEquals(Notify.BEST_EFFORT_TRIES - 1, heartbeats.size(), heartbeats.toString());
    }

    @Test
    void aBestEffortMessageIsDeliveredWhenTheWebhookComesBack() {
        answer = n -> n == 1 ? 502 : 200;
        StepCommand command = step(Map.of("channel", "oncall", "message", "failing over"));

        StepOutcome outcome = notify.apply(command, notify.plan(command));

        assertEquals(2, requests.get());
        assertTrue(outcome.summary().startsWith("told oncall"), outcome.summary());
        assertEquals(idempotencyKeys.get(0), idempotencyKeys.get(1), "a repeat carries the same idempotency key");
    }

    @Test
    void aRequiredMessageFailsTheStepRetryablyWhileTheWebhookIsDown() {
        answer = n -> 500;
        StepCommand command = step(Map.of("channel", "oncall", "message", "failing over", "required", true));

        ApplicationFailure f =
                assertThrows(ApplicationFailure.class, () -> notify.apply(command, notify.plan(command)));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, f.getType());
        assertFalse(f.isNonRetryable());
        assertEquals(1, requests.get(), "one attempt per activity attempt; the workflow paces the retries");
        assertFalse(f.getOriginalMessage().contains("s3cr3t"), f.getOriginalMessage());
    }

    @Test
    void aRequiredMessageTheWebhookRefusesFailsForGood() {
        answer = n -> 404;
        StepCommand command = step(Map.of("channel", "oncall", "message", "failing over", "required", true));

        ApplicationFailure f =
                assertThrows(ApplicationFailure.class, () -> notify.apply(command, notify.plan(command)));

        assertEquals(FailureTypes.PROVIDER_REJECTED, f.getType());
        assertTrue(f.isNonRetryable());
        assertTrue(f.getOriginalMessage().contains("HTTP 404 from 127.0.0.1"), f.getOriginalMessage());
    }

    @Test
    void aBestEffortMessageTheWebhookRefusesIsNotRepeated() {
        answer = n -> 400;
        StepCommand command = step(Map.of("channel", "oncall", "message", "failing over"));

        StepOutcome outcome = notify.apply(command, notify.plan(command));

        assertEquals(1, requests.get());
        assertTrue(outcome.summary().startsWith("not delivered to oncall: HTTP 400"), outcome.summary());
    }

    @Test
    void anUnknownChannelIsRefusedAtPlanNamingTheConfiguredOnes() {
        StepCommand command = step(Map.of("channel", "pager", "message", "failing over"));

        ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> notify.plan(command));

        assertEquals(FailureTypes.CAPABILITY_MISSING, f.getType());
        assertTrue(
                f.getOriginalMessage().contains("notification channel pager is not configured"),
                f.getOriginalMessage());
        assertTrue(f.getOriginalMessage().contains("configured: oncall"), f.getOriginalMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void badInputIsRefusedWithEveryProblemBeforeAnyCall() {
        StepCommand command = step(Map.of("channel", "oncall", "required", "maybe", "url", url));

        ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> notify.apply(command, null));

        assertEquals(FailureTypes.INVALID_INPUT, f.getType());
        String m = f.getOriginalMessage();
        assertTrue(m.contains("with.message is required"), m);
        assertTrue(m.contains("with.required"), m);
        assertTrue(m.contains("with.url is not a field of notify"), m);
        assertEquals(0, requests.get());
    }

    @Test
    void aChannelWithoutItsUrlStopsTheWorkerAtStartNamingTheVariableNotTheValue() {
        IllegalStateException missing = assertThrows(
                IllegalStateException.class, () -> channels(Map.of("oncall", channel("webhook", "NOT_SET")), Map.of()));
        assertEquals(
                "baran.notify.channels.\"oncall\".url-env: the environment variable NOT_SET is not set",
                missing.getMessage());

        IllegalStateException notUrl = assertThrows(
                IllegalStateException.class,
                () -> channels(Map.of("oncall", channel("webhook", "V")), Map.of("V", "s3cr3t-but-no-url")));
        assertTrue(notUrl.getMessage().contains("does not hold an http(s) URL"), notUrl.getMessage());
        assertFalse(notUrl.getMessage().contains("s3cr3t"), notUrl.getMessage());

        IllegalStateException type = assertThrows(
                IllegalStateException.class,
                () -> channels(Map.of("oncall", channel("pigeon", "V")), Map.of("V", url)));
        assertTrue(
                type.getMessage().contains("\"pigeon\" is not a channel type (known: webhook, pagerduty)"),
                type.getMessage());
    }

    private static StepCommand step(Map<String, Object> with) {
        return new StepCommand("drill-shop-1a2b", "tell-people", Notify.NAME, with);
    }

    /** The test's webhook listens on 127.0.0.1, which production would refuse. */
    static final io.baran.egress.EgressPolicy LOOPBACK_ALLOWED =
            io.baran.egress.EgressPolicy.defaults().allowing(List.of("127.0.0.1"));

    private static NotificationChannels channels(Map<String, NotifyConfig.Channel> channels, Map<String, String> env) {
        return new NotificationChannels(channels, env::get, LOOPBACK_ALLOWED);
    }

    @Test
    void aWebhookAtARefusedAddressStopsTheStartAndOneThatResolvesThereIsNotCalled() {
        IllegalStateException metadata = assertThrows(
                IllegalStateException.class,
                () -> new NotificationChannels(
                        Map.of("oncall", channel("webhook", "V")),
                        Map.of("V", "http://169.254.169.254/hooks/s3cr3t")::get,
                        LOOPBACK_ALLOWED));
        assertTrue(metadata.getMessage().contains("rule metadata"), metadata.getMessage());
        assertFalse(metadata.getMessage().contains("s3cr3t"), metadata.getMessage());

        // A name that resolves to loopback under the production policy: refused at the post, before any connection.
        io.baran.egress.EgressPolicy production = io.baran.egress.EgressPolicy.defaults()
                .withResolver(host -> new java.net.InetAddress[] {java.net.InetAddress.getLoopbackAddress()});
        String hook = url.replace("127.0.0.1", "hooks.example");
        NotificationChannels prod =
                new NotificationChannels(Map.of("oncall", channel("webhook", "V")), Map.of("V", hook)::get, production);
        NotificationChannel.Delivery delivery =
                prod.find("tell-people", "oncall").post("hi", "drill-1", "tell-people");
        assertFalse(delivery.delivered());
        assertFalse(delivery.retryable());
        assertTrue(delivery.detail().contains("rule loopback"), delivery.detail());
        assertFalse(delivery.detail().contains(SECRET_PATH), delivery.detail());
        assertEquals(0, requests.get());
    }

    private static NotifyConfig.Channel channel(String type, String urlEnv) {
        return channel(type, urlEnv, null, null, "critical");
    }

    /** A channel's configuration as SmallRye Config maps it; null for a key left out. */
    static NotifyConfig.Channel channel(
            String type, String urlEnv, String routingKeyEnv, String eventsUrl, String severity) {
        return new NotifyConfig.Channel() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public java.util.Optional<String> urlEnv() {
                return java.util.Optional.ofNullable(urlEnv);
            }

            @Override
            public java.util.Optional<String> routingKeyEnv() {
                return java.util.Optional.ofNullable(routingKeyEnv);
            }

            @Override
            public java.util.Optional<String> eventsUrl() {
                return java.util.Optional.ofNullable(eventsUrl);
            }

            @Override
            public String severity() {
                return severity;
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(2);
            }
        };
    }
}
