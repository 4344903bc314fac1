package io.baran.detector.state;

import static io.baran.detector.state.Health.DOWN;
import static io.baran.detector.state.Health.UNKNOWN;
import static io.baran.detector.state.Health.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.OutageEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScopeHealthTest {

    private static final String SCOPE = "aws/us-east-1/s3";
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00.123Z");

    @Test
    void theVerdictIsDownOnlyWhenEveryTargetIsDown() {
        assertEquals(DOWN, ScopeHealth.verdict(List.of(DOWN, DOWN)));
        assertEquals(UP, ScopeHealth.verdict(List.of(DOWN, UP)));
        assertEquals(UP, ScopeHealth.verdict(List.of(UP, UNKNOWN)));
        assertEquals(UNKNOWN, ScopeHealth.verdict(List.of(DOWN, UNKNOWN)));
        assertEquals(UNKNOWN, ScopeHealth.verdict(List.of(UNKNOWN)));
        assertEquals(UNKNOWN, ScopeHealth.verdict(List.of()));
    }

    @Test
    void comingUpFromUnknownPublishesNothing() {
        ScopeHealth scope = new ScopeHealth(SCOPE);
        ScopeChange change = scope.update(List.of(UP), T0).orElseThrow();
        assertEquals(UNKNOWN, change.from());
        assertEquals(UP, change.to());
        assertNull(change.incidentId());
        assertTrue(change.eventType().isEmpty());
        assertEquals(T0, scope.since());
    }

    @Test
    void goingDownFromUpStartsAnIncidentNamedAfterScopeAndTime() {
        ScopeHealth scope = new ScopeHealth(SCOPE);
        scope.update(List.of(UP), T0);
        Instant down = T0.plusSeconds(30);
        ScopeChange change = scope.update(List.of(DOWN), down).orElseThrow();
        assertEquals(Optional.of(OutageEvent.DETECTED), change.eventType());
        assertEquals(SCOPE + "@" + down.toEpochMilli(), change.incidentId());
        assertEquals(down, change.at());
        assertEquals(DOWN, scope.state());
        assertEquals(change.incidentId(), scope.incidentId());
        assertEquals(down, scope.since());
    }

    @Test
    void startingOutDownIsAnOutageToo() {
        ScopeHealth scope = new ScopeHealth(SCOPE);
        ScopeChange change = scope.update(List.of(DOWN, DOWN), T0).orElseThrow();
        assertEquals(UNKNOWN, change.from());
        assertEquals(Optional.of(OutageEvent.DETECTED), change.eventType());
        assertEquals(SCOPE + "@" + T0.toEpochMilli(), change.incidentId());
    }

    @Test
    void recoveryCarriesTheIdOfTheOutageItEnds() {
        ScopeHealth scope = new ScopeHealth(SCOPE);
        scope.update(List.of(UP), T0);
        String incident =
                scope.update(List.of(DOWN), T0.plusSeconds(10)).orElseThrow().incidentId();
        ScopeChange recovered = scope.update(List.of(UP), T0.plusSeconds(70)).orElseThrow();
        assertEquals(Optional.of(OutageEvent.RECOVERED), recovered.eventType());
        assertEquals(incident, recovered.incidentId());
        assertNull(scope.incidentId(), "no incident while UP");
        assertEquals(T0.plusSeconds(70), scope.since());
    }

    @Test
    void theNextOutageGetsANewId() {
        ScopeHealth scope = new ScopeHealth(SCOPE);
        String first = scope.update(List.of(DOWN), T0).orElseThrow().incidentId();
        scope.update(List.of(UP), T0.plusSeconds(5));
        String second =
                scope.update(List.of(DOWN), T0.plusSeconds(9)).orElseThrow().incidentId();
        assertEquals(SCOPE + "@" + T0.plusSeconds(9).toEpochMilli(), second);
        assertTrue(!first.equals(second));
    }

    @Test
    void oneTargetDownOutOfTwoIsNoOutage() {
        ScopeHealth scope = new ScopeHealth(SCOPE);
        scope.update(List.of(UP, UP), T0);
        assertTrue(scope.update(List.of(DOWN, UP), T0.plusSeconds(1)).isEmpty());
        assertEquals(UP, scope.state());
        assertEquals(
                DOWN,
                scope.update(List.of(DOWN, DOWN), T0.plusSeconds(2))
                        .orElseThrow()
                        .to());
        ScopeChange back = scope.update(List.of(DOWN, UP), T0.plusSeconds(3)).orElseThrow();
        assertEquals(Optional.of(OutageEvent.RECOVERED), back.eventType());
    }

    @Test
    void incompleteEvidenceKeepsTheCurrentState() {
        ScopeHealth scope = new ScopeHealth(SCOPE);
        assertTrue(scope.update(List.of(DOWN, UNKNOWN), T0).isEmpty(), "one target still unknown: no verdict yet");
        assertEquals(UNKNOWN, scope.state());
        assertNull(scope.since());
        scope.update(List.of(UP, UNKNOWN), T0);
        assertTrue(scope.update(List.of(DOWN, UNKNOWN), T0.plusSeconds(1)).isEmpty());
        assertEquals(UP, scope.state());
    }

    @Test
    void anUnchangedVerdictIsNoChange() {
        ScopeHealth scope = new ScopeHealth(SCOPE);
        scope.update(List.of(DOWN), T0);
        assertTrue(scope.update(List.of(DOWN), T0.plusSeconds(1)).isEmpty());
        assertEquals(
                SCOPE + "@" + T0.toEpochMilli(),
                scope.incidentId(),
                "the incident id stays the same for the whole outage");
    }
}
