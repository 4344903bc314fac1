package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code notify} paging through PagerDuty's Events API v2, served on 127.0.0.1 by a server answering as the API's
 * documentation says (no emulator of it exists): 202 with {@code {"status":"success",...}}, 400 for an invalid event, 429
 * over the rate limit.
 */
@Timeout(60)
class PagerDutyChannelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTING_KEY = "R0ut1ngKey0000000000000000000042";

    private HttpServer server;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    /** The status the API answers its n-th request (from 1). */
    private volatile IntUnaryOperator answer = n -> 202;

    private String eventsUrl;
    private Notify notify;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/enqueue", exchange -> {
            int n = requests.incrementAndGet();
            JsonNode event = JSON.readTree(exchange.getRequestBody().readAllBytes());
            events.add(event);
            int status = answer.applyAsInt(n);
            String body = switch (status) {
                case 202 ->
                    "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":" + event.path("dedup_key")
                            + "}";
                case 400 ->
                    "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"Length of"
                            + " 'routing_key' is incorrect (should be 32 characters)\"]}";
                default ->
                    "{\"status\":\"throttle event\",\"message\":\"Requests for this service are arriving too"
                            + " quickly.  Please retry later.\"}";
            };
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        eventsUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v2/enqueue";
        notify = new Notify(channels(Map.of("page", pagerDuty("PD_KEY", eventsUrl, "critical"))), details -> {});
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static NotificationChannels channels(Map<String, io.baran.worker.config.NotifyConfig.Channel> channels) {
        return new NotificationChannels(
                channels, Map.of("PD_KEY", ROUTING_KEY, "NOT_A_KEY", "not a key!")::get, NotifyTest.LOOPBACK_ALLOWED);
    }

    private static io.baran.worker.config.NotifyConfig.Channel pagerDuty(
            String routingKeyEnv, String eventsUrl, String severity) {
        return NotifyTest.channel("pagerduty", null, routingKeyEnv, eventsUrl, severity);
    }

    private static StepCommand step(Map<String, Object> with) {
        return new StepCommand("failover-shop-1a2b", "page-oncall", Notify.NAME, with);
    }

    @Test
    void aPageIsATriggerEventInTheDocumentedShapeAndTheRoutingKeyIsInNothingReported() {
        StepCommand command =
                step(Map.of("channel", "page", "message", "failing shop over to eu-west-1", "required", true));
        var plan = notify.plan(command);
        assertEquals(0, requests.get(), "planning pages nobody");

        StepOutcome outcome = notify.apply(command, plan);

        assertEquals("told page (PagerDuty HTTP 202)", outcome.summary());
        assertEquals(1, events.size());
        JsonNode event = events.get(0);
        assertEquals(ROUTING_KEY, event.path("routing_key").asText());
        assertEquals("trigger", event.path("event_action").asText());
        assertEquals("failover-shop-1a2b/page-oncall", event.path("dedup_key").asText());
        assertEquals(
                "[failover-shop-1a2b] failing shop over to eu-west-1",
                event.path("payload").path("summary").asText());
        assertEquals("baran", event.path("payload").path("source").asText());
        assertEquals("critical", event.path("payload").path("severity").asText());
        assertEquals(
                "failover-shop-1a2b",
                event.path("payload").path("custom_details").path("execution").asText());
        assertFalse(plan.summary().contains(ROUTING_KEY), plan.summary());
        assertFalse(outcome.summary().contains(ROUTING_KEY), outcome.summary());
    }

    @Test
    void aDeliverySentAgainAfterAFailureAddsToTheSameAlert() {
        answer = n -> n == 1 ? 503 : 202;
        StepCommand command = step(Map.of("channel", "page", "message", "failing over"));

        StepOutcome outcome = notify.apply(command, notify.plan(command));

        assertEquals("told page (PagerDuty HTTP 202)", outcome.summary());
        assertEquals(2, events.size());
        assertEquals(events.get(0).path("dedup_key"), events.get(1).path("dedup_key"), "one alert, not two");
    }

    @Test
    void anInvalidEventIsNotSentAgainAndThrottlingIsWorthAnotherTry() {
        answer = n -> 400;
        StepCommand required = step(Map.of("channel", "page", "message", "failing over", "required", true));
        ApplicationFailure invalid =
                assertThrows(ApplicationFailure.class, () -> notify.apply(required, notify.plan(required)));
        assertEquals(FailureTypes.PROVIDER_REJECTED, invalid.getType());
        assertTrue(invalid.isNonRetryable());
        assertTrue(
                invalid.getOriginalMessage().contains("PagerDuty HTTP 400 from 127.0.0.1"),
                invalid.getOriginalMessage());
        assertFalse(invalid.getOriginalMessage().contains(ROUTING_KEY));

        answer = n -> 429;
        ApplicationFailure throttled =
                assertThrows(ApplicationFailure.class, () -> notify.apply(required, notify.plan(required)));
        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, throttled.getType());
        assertFalse(throttled.isNonRetryable(), "the step's next attempt pages again");
        assertEquals(2, requests.get());
    }

    @Test
    void theSummaryAndTheDedupKeyStayWithinWhatPagerDutyTakes() {
        String longMessage = "x".repeat(3000);
        StepCommand command = step(Map.of("channel", "page", "message", longMessage, "required", true));
        notify.apply(command, notify.plan(command));
        assertEquals(
                PagerDutyChannel.MAX_SUMMARY,
                events.get(0).path("payload").path("summary").asText().length());

        String emoji = "x".repeat(PagerDutyChannel.MAX_SUMMARY - 2) + "\uD83D\uDE92" + "tail";
        String cut = PagerDutyChannel.summary(emoji);
        assertTrue(cut.length() <= PagerDutyChannel.MAX_SUMMARY, cut);
        assertFalse(Character.isHighSurrogate(cut.charAt(cut.length() - 2)), "no half of a surrogate pair");

        String key = PagerDutyChannel.dedupKey("e".repeat(300), "step");
        assertTrue(key.length() <= PagerDutyChannel.MAX_DEDUP_KEY, key);
        assertEquals(key, PagerDutyChannel.dedupKey("e".repeat(300), "step"), "the same for every attempt");
    }

    @Test
    void aPagerDutyChannelConfiguredWrongStopsTheStartNamingTheKeyNeverTheSecret() {
        IllegalStateException noKey = assertThrows(
                IllegalStateException.class, () -> channels(Map.of("page", pagerDuty(null, null, "critical"))));
        assertTrue(noKey.getMessage().contains("baran.notify.channels.\"page\".routing-key-env"), noKey.getMessage());

        IllegalStateException unset = assertThrows(
                IllegalStateException.class, () -> channels(Map.of("page", pagerDuty("UNSET", null, "critical"))));
        assertTrue(unset.getMessage().contains("the environment variable UNSET is not set"), unset.getMessage());

        IllegalStateException notAKey = assertThrows(
                IllegalStateException.class, () -> channels(Map.of("page", pagerDuty("NOT_A_KEY", null, "critical"))));
        assertTrue(notAKey.getMessage().contains("NOT_A_KEY does not hold a routing key"), notAKey.getMessage());
        assertFalse(notAKey.getMessage().contains("not a key!"), notAKey.getMessage());

        IllegalStateException severity = assertThrows(
                IllegalStateException.class, () -> channels(Map.of("page", pagerDuty("PD_KEY", null, "urgent"))));
        assertTrue(
                severity.getMessage().contains(".severity: \"urgent\" is not one of critical, error, warning, info"),
                severity.getMessage());

        IllegalStateException metadata = assertThrows(
                IllegalStateException.class,
                () -> channels(Map.of("page", pagerDuty("PD_KEY", "https://169.254.169.254/v2/enqueue", "critical"))));
        assertTrue(metadata.getMessage().contains(".events-url: "), metadata.getMessage());
        assertTrue(metadata.getMessage().contains("rule metadata"), metadata.getMessage());
        assertEquals(0, requests.get());

        IllegalStateException noScheme = assertThrows(
                IllegalStateException.class,
                () -> channels(Map.of("page", pagerDuty("PD_KEY", "events.eu.pagerduty.com/v2/enqueue", "critical"))));
        assertTrue(
                noScheme.getMessage()
                        .contains(".events-url: \"events.eu.pagerduty.com/v2/enqueue\" is not an https URL"),
                noScheme.getMessage());
        IllegalStateException plain = assertThrows(
                IllegalStateException.class,
                () -> channels(
                        Map.of("page", pagerDuty("PD_KEY", "http://events.pagerduty.com/v2/enqueue", "critical"))));
        assertTrue(plain.getMessage().contains("is not an https URL"), "the routing key never in clear text");

        IllegalStateException mixed = assertThrows(
                IllegalStateException.class,
                () -> channels(Map.of(
                        "page",
                        NotifyTest.channel("pagerduty", "SOME_URL", "PD_KEY", null, "critical"),
                        "chat",
                        NotifyTest.channel("webhook", "SOME_URL", "PD_KEY", null, "critical"))));
        assertTrue(
                mixed.getMessage().contains("\"page\".url-env: a pagerduty channel posts to PagerDuty's Events API"),
                mixed.getMessage());
        assertTrue(
                mixed.getMessage().contains("\"chat\": routing-key-env and events-url are a pagerduty channel's"),
                mixed.getMessage());

        NotificationChannel defaults =
                channels(Map.of("page", pagerDuty("PD_KEY", null, "critical"))).find("page-oncall", "page");
        assertEquals("events.pagerduty.com", defaults.host(), "PagerDuty's endpoint unless another is set");
    }
}
