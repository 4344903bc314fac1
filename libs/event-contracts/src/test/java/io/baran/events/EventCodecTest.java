package io.baran.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    @Test
    void outageEventSurvivesTheRoundTrip() {
        var data = new OutageEvent(
                "aws/us-east-1/s3",
                "aws/us-east-1/s3@1700000000000",
                "vantage-a",
                Instant.parse("2026-11-21T10:00:00Z"),
                List.of(new OutageEvent.TargetVerdict("s3-canary", false, "HTTP 503")),
                false);
        var event = CloudEvent.of(
                "e-1", "/baran/detector/vantage-a", OutageEvent.DETECTED, data.scope(), data.since(), data);

        String json = EventCodec.encode(event);
        var back = EventCodec.decodeOutage(json);

        assertEquals(event, back);
        assertTrue(json.contains("\"specversion\":\"1.0\""), json);
        assertTrue(json.contains("\"time\":\"2026-11-21T10:00:00Z\""), json);
    }

    @Test
    void anEventOfAnotherTypeIsRefusedWithItsType() {
        String json =
                "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\",\"type\":\"com.example.other\",\"data\":{}}";
        var e = assertThrows(EventCodec.MalformedEventException.class, () -> EventCodec.decodeOutage(json));
        assertTrue(e.getMessage().contains("com.example.other"), e.getMessage());
    }

    @Test
    void garbageIsRefusedNotThrownAsSomethingElse() {
        assertThrows(EventCodec.MalformedEventException.class, () -> EventCodec.decodeOutage("{not json"));
        assertThrows(
                EventCodec.MalformedEventException.class,
                () -> EventCodec.decodeOutage(
                        "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\",\"type\":\"io.baran.outage.detected\",\"data\":{\"scope\":\"a\"}}"));
    }

    @Test
    void votesAndConfidenceSurviveTheRoundTrip() {
        var data = new OutageEvent(
                "aws/us-east-1/s3",
                "aws/us-east-1/s3@1700000000000",
                "vantage-a",
                Instant.parse("2026-11-21T10:00:00Z"),
                List.of(),
                false,
                List.of(
                        new OutageEvent.Vote("vantage-a", "DOWN", Instant.parse("2026-11-21T10:00:00Z")),
                        new OutageEvent.Vote("vantage-b", "UP", Instant.parse("2026-11-21T09:00:00Z"))),
                0.5);
        var event = CloudEvent.of(
                "e-2", "/baran/detector/vantage-a", OutageEvent.DETECTED, data.scope(), data.since(), data);

        assertEquals(event, EventCodec.decodeOutage(EventCodec.encode(event)));
    }

    @Test
    void anEventWrittenBeforeVotesExistedStillReads() {
        String json =
                "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/baran/detector/a\",\"type\":\"io.baran.outage.detected\","
                        + "\"data\":{\"scope\":\"a/b\",\"incidentId\":\"a/b@1\",\"vantage\":\"a\",\"since\":\"2026-11-21T10:00:00Z\","
                        + "\"targets\":[],\"drill\":false}}";
        OutageEvent data = EventCodec.decodeOutage(json).data();
        assertEquals(List.of(), data.votes());
        assertEquals(null, data.confidence());
        assertEquals(
                new OutageEvent("a/b", "a/b@1", "a", Instant.parse("2026-11-21T10:00:00Z"), List.of(), false), data);
    }

    @Test
    void anEventWithoutConfidenceDoesNotWriteIt() {
        var data = new OutageEvent("a/b", "a/b@1", "a", Instant.parse("2026-11-21T10:00:00Z"), List.of(), false);
        String json = EventCodec.encode(
                CloudEvent.of("e-3", "/baran/detector/a", OutageEvent.DETECTED, "a/b", data.since(), data));
        assertTrue(!json.contains("confidence"), json);
    }
}
