package io.baran.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Phases and step states are enums in Java and the texts they always were everywhere else: recorded histories
 * (read back when a workflow replays or continues as new) and API clients must not see a difference.
 */
class TypedStatesJsonTest {

    private static final DefaultDataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

    private static String json(Object value) {
        return CONVERTER.toPayload(value).orElseThrow().getData().toString(StandardCharsets.UTF_8);
    }

    private static <T> T read(String json, Class<T> type) {
        var payload = CONVERTER.toPayload(json).orElseThrow().toBuilder()
                .setData(com.google.protobuf.ByteString.copyFromUtf8(json))
                .build();
        return CONVERTER.fromPayload(payload, type, type);
    }

    @Test
    void everyPhaseIsWrittenAsTheTextItAlwaysWas() {
        assertEquals(
                List.of(
                        "starting",
                        "planning",
                        "planned",
                        "awaiting-approval",
                        "rejected",
                        "queued",
                        "failing-over",
                        "held",
                        "failed-over",
                        "awaiting-stability",
                        "awaiting-failback-approval",
                        "failing-back",
                        "done",
                        "compensating",
                        "compensated",
                        "failed"),
                Arrays.stream(Phase.values()).map(Phase::value).toList());
        for (Phase phase : Phase.values()) {
            assertEquals("\"" + phase.value() + "\"", json(phase));
            assertEquals(phase, read(json(phase), Phase.class));
            assertEquals(phase.value(), phase.toString());
        }
    }

    @Test
    void everyStepStateIsWrittenAsTheTextItAlwaysWas() {
        assertEquals(
                List.of(
                        "pending",
                        "running",
                        "planned",
                        "unchanged",
                        "passed",
                        "applied",
                        "done",
                        "approved",
                        "failed",
                        "undoing",
                        "undone",
                        "undo-failed",
                        "failback-failed"),
                Arrays.stream(StepState.values()).map(StepState::value).toList());
        for (StepState state : StepState.values()) {
            assertEquals("\"" + state.value() + "\"", json(state));
            assertEquals(state, read(json(state), StepState.class));
        }
    }

    @Test
    void aCarriedStateAsRecordedInAHistoryReadsBack() {
        String recorded = "{\"steps\":[{\"name\":\"move-www\",\"action\":\"dns.switch\",\"state\":\"undo-failed\","
                + "\"summary\":null,\"error\":\"boom\",\"startedAt\":1,\"endedAt\":2,\"replaced\":{}}],\"undo\":[],"
                + "\"phases\":[{\"phase\":\"failed-over\",\"at\":3}],\"startedAt\":1,\"decideMillis\":0,\"runs\":1,\"decisions\":[]}";
        CarriedState carried = read(recorded, CarriedState.class);
        assertEquals(StepState.UNDO_FAILED, carried.steps().get(0).state());
        assertEquals(Phase.FAILED_OVER, carried.phases().get(0).phase());
        String written = json(carried);
        assertTrue(written.contains("\"state\":\"undo-failed\""), written);
        assertTrue(written.contains("\"phase\":\"failed-over\""), written);
        assertEquals(carried, read(written, CarriedState.class));
    }

    @Test
    void aTextThatNamesNoPhaseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Phase.of("failedover"));
        assertThrows(IllegalArgumentException.class, () -> StepState.of("UNDONE"));
    }
}
