package io.baran.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where one step of an execution stands. Written as its {@link #value()} ({@code undo-failed}) wherever it leaves
 * the JVM (JSON, execution events), so recorded histories and API clients read what they always did.
 */
public enum StepState {
    PENDING("pending"),
    RUNNING("running"),
    /** In a plan: the step would change something. */
    PLANNED("planned"),
    /** Nothing to do: the world already was as the step wants it (or, undone, as it was). */
    UNCHANGED("unchanged"),
    /** A check that passed. */
    PASSED("passed"),
    APPLIED("applied"),
    /** A {@code wait} that waited. */
    DONE("done"),
    /** An {@code approval} step that a person approved. */
    APPROVED("approved"),
    FAILED("failed"),
    UNDOING("undoing"),
    UNDONE("undone"),
    /** Its undo failed: what the step changed is still changed. */
    UNDO_FAILED("undo-failed"),
    /** A step of its own in an explicit failback list failed (recorded as {@code undo-failed} before change failback-failed-state). */
    FAILBACK_FAILED("failback-failed");

    private final String value;

    StepState(String value) {
        this.value = value;
    }

    /** The state as it is written: {@code undo-failed}. */
    @JsonValue
    public String value() {
        return value;
    }

    /** The state written as {@code text}; throws IllegalArgumentException for a text that names none. */
    @JsonCreator
    public static StepState of(String text) {
        for (StepState state : values()) {
            if (state.value.equals(text)) {
                return state;
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a step state; states: "
                + java.util.Arrays.stream(values()).map(StepState::value).toList());
    }

    /** True when failback or compensation could not put back what the step did. */
    public boolean notRestored() {
        return this == UNDO_FAILED || this == FAILBACK_FAILED;
    }

    /** As written, so messages read {@code undo-failed}. */
    @Override
    public String toString() {
        return value;
    }
}
