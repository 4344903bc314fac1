package io.baran.orchestrator.messaging;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.EventSignature;
import io.baran.events.OutageEvent;
import io.baran.events.RefusedEventException;
import io.baran.events.SeenIds;
import io.baran.events.SigningKey;
import io.baran.events.VantageRoster;
import io.baran.orchestrator.config.EventsConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What makes an outage event be acted on at most once, and at least once while it may still be. */
class EventHandlingTest {

    private static final Instant NOW = Instant.parse("2026-12-05T03:00:00Z");
    private static final EventsConfig EVENTS = new EventsConfig() {
        @Override
        public Duration retryFor() {
            return Duration.ofSeconds(30);
        }

        @Override
        public Duration maxAge() {
            return Duration.ofMinutes(5);
        }

        @Override
        public Duration maxSkew() {
            return Duration.ofMinutes(1);
        }

        @Override
        public Duration recoverySweep() {
            return Duration.ofMinutes(1);
        }
    };

    private final SigningKey key = SigningKey.generate("eu-1");
    private final EventVerifier verifier = new EventVerifier(
            VantageRoster.parse(Map.of("eu-1", new VantageRoster.Entry("eu", key.publicKeyText()))),
            new SeenIds(100),
            EVENTS,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aCopyOfAnEventWhoseHandlingFailedIsStillActedOnAndOneOfAnEventActedOnIsRefused() {
        String signed = signed(OutageEvent.DETECTED, NOW.minusSeconds(10));
        CloudEvent<OutageEvent> first = verifier.verify(signed);
        // The handling of the first copy failed (Temporal down past the retries): nothing remembers it.
        CloudEvent<OutageEvent> again = assertDoesNotThrow(() -> verifier.verify(signed));
        assertEquals(first.id(), again.id());

        verifier.actedOn(again);
        RefusedEventException replayed = assertThrows(RefusedEventException.class, () -> verifier.verify(signed));
        assertEquals(RefusedEventException.Reason.REPLAYED, replayed.reason());
    }

    @Test
    void anOutageDatedAheadOfThisClockIsRefusedSoItCannotStayFreshForLongerThanMaxAge() {
        // Within the allowed skew: a detector whose clock runs a little ahead is still heard.
        assertDoesNotThrow(() -> verifier.verify(signed(OutageEvent.DETECTED, NOW.plusSeconds(50))));

        RefusedEventException ahead = assertThrows(
                RefusedEventException.class,
                () -> verifier.verify(signed(OutageEvent.DETECTED, NOW.plus(Duration.ofHours(1)))));
        assertEquals(RefusedEventException.Reason.FUTURE, ahead.reason());
        assertTrue(ahead.getMessage().startsWith("refused (future): "), ahead.getMessage());
        assertTrue(ahead.getMessage().contains("aws/eu-west-1"), ahead.getMessage());

        // A recovery is never refused for its time: it must still end its failover.
        assertDoesNotThrow(() -> verifier.verify(signed(OutageEvent.RECOVERED, NOW.plus(Duration.ofHours(1)))));
    }

    @Test
    void anEventIsRetriedUntilItIsTooOldToActOnAndAtLeastForRetryFor() {
        assertEquals(
                Duration.ofMinutes(4).plusSeconds(50),
                OutageEventConsumer.retryWindow(
                        decode(OutageEvent.DETECTED, NOW.minusSeconds(10)), NOW, EVENTS.retryFor(), EVENTS.maxAge()));
        // Delivered late (Kafka was down): what is left of its age, never less than retry-for.
        assertEquals(
                Duration.ofSeconds(30),
                OutageEventConsumer.retryWindow(
                        decode(OutageEvent.DETECTED, NOW.minusSeconds(290)), NOW, EVENTS.retryFor(), EVENTS.maxAge()));
        assertEquals(
                Duration.ofSeconds(30),
                OutageEventConsumer.retryWindow(
                        decode(OutageEvent.RECOVERED, NOW.minus(Duration.ofHours(2))),
                        NOW,
                        EVENTS.retryFor(),
                        EVENTS.maxAge()));
    }

    @Test
    void whoAskedForASimulationIsReadFromTheSignedEventAndCannotBeChangedAfterSigning() {
        var ana = new OutageEvent.Requester("ana", List.of("drill-operator", "team-a", "viewer"), false);
        var data = new OutageEvent(
                "aws/eu-west-1", "aws/eu-west-1@drill-1", "eu", NOW, List.of(), true, List.of(), 1.0, ana);
        String signed = EventSignature.sign(
                EventCodec.encode(CloudEvent.of("event-sim", "/test", OutageEvent.DETECTED, data.scope(), NOW, data)),
                key);
        assertEquals(ana, verifier.verify(signed).data().requester());

        // Made an admin, or given another group, after the detector signed it: refused, and so drills nothing.
        for (String forged : List.of(
                signed.replace("\"admin\":false", "\"admin\":true"), signed.replace("\"team-a\"", "\"team-b\""))) {
            assertTrue(!forged.equals(signed), "the test changed nothing");
            RefusedEventException refused =
                    assertThrows(RefusedEventException.class, () -> verifier.verify(forged), forged);
            assertEquals(RefusedEventException.Reason.BAD_SIGNATURE, refused.reason());
        }
    }

    @Test
    void aSignedEventWhoseIncidentIsNotOfItsScopeStartsAndEndsNothing() {
        for (String incident : List.of("gcp/europe-west1@1", "aws/eu-west-1x@1", "aws/eu-west-1")) {
            for (String type : List.of(OutageEvent.DETECTED, OutageEvent.RECOVERED)) {
                var data = new OutageEvent("aws/eu-west-1", incident, "eu", NOW, List.of(), false);
                String signed = EventSignature.sign(
                        EventCodec.encode(CloudEvent.of(
                                "event-" + type + "-" + incident, "/test", type, data.scope(), NOW, data)),
                        key);
                RefusedEventException refused =
                        assertThrows(RefusedEventException.class, () -> verifier.verify(signed), incident);
                assertEquals(RefusedEventException.Reason.WRONG_SCOPE, refused.reason());
                assertTrue(refused.getMessage().contains(incident), refused.getMessage());
            }
        }
        assertDoesNotThrow(() -> verifier.verify(signed(OutageEvent.RECOVERED, NOW)));
    }

    private String signed(String type, Instant at) {
        return EventSignature.sign(EventCodec.encode(event(type, at)), key);
    }

    private static CloudEvent<OutageEvent> decode(String type, Instant at) {
        return event(type, at);
    }

    private static CloudEvent<OutageEvent> event(String type, Instant at) {
        var data = new OutageEvent("aws/eu-west-1", "aws/eu-west-1@1", "eu", at, List.of(), false);
        return CloudEvent.of("event-" + type + "-" + at.toEpochMilli(), "/test", type, "aws/eu-west-1", at, data);
    }
}
