package io.baran.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Actors travel in workflow inputs and Updates through Temporal's JSON converter, which refuses unknown fields. */
class ActorJsonTest {

    private static <T> T roundTrip(T value, Class<T> type) {
        var converter = DefaultDataConverter.newDefaultInstance();
        return converter.fromPayload(converter.toPayload(value).orElseThrow(), type, type);
    }

    @Test
    void aPersonAndTheSystemSurviveTemporalsJsonConverter() {
        Actor person = Actor.person("ana", List.of("approvers"));
        assertEquals(person, roundTrip(person, Actor.class));
        assertEquals(Actor.system("event-1"), roundTrip(Actor.system("event-1"), Actor.class));
        DecisionRequest request = new DecisionRequest(Verdict.APPROVE, "go-ahead", person, "why", "r-1");
        assertEquals(request, roundTrip(request, DecisionRequest.class));
        assertEquals(request.atGateOnly(), roundTrip(request.atGateOnly(), DecisionRequest.class));
    }

    /** A worker older than {@code gateOnly} refuses fields it does not know: a plain decision is written without it. */
    @Test
    void aDecisionIsWrittenWithoutGateOnlyUnlessItIsSet() {
        var converter = DefaultDataConverter.newDefaultInstance();
        DecisionRequest plain = new DecisionRequest(Verdict.APPROVE, null, Actor.person("ana", List.of()), null, null);
        String written = converter.toPayload(plain).orElseThrow().getData().toStringUtf8();
        assertEquals(false, written.contains("gateOnly"), written);
        String gated =
                converter.toPayload(plain.atGateOnly()).orElseThrow().getData().toStringUtf8();
        assertEquals(true, gated.contains("\"gateOnly\":true"), gated);
    }
}
