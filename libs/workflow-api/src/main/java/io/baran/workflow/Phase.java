package io.baran.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where an execution stands. Each phase is written as its {@link #value()} ({@code failed-over}) wherever it leaves
 * the JVM: in JSON (the REST API, the workflow's results and queries, the recorded histories), in the
 * {@code BaranPhase} search attribute and in the execution events, so those keep reading as they always have.
 */
public enum Phase {
    STARTING("starting"),
    /** A plan: each step is observed, nothing is changed. */
    PLANNING("planning"),
    PLANNED("planned"),
    /** Waiting for people: the approval before the first step, or an {@code approval} step. */
    AWAITING_APPROVAL("awaiting-approval"),
    /**
     * Nobody approved the start, somebody rejected it, or its outage recovered before anyone approved it (the gate was
     * withdrawn): nothing was changed.
     */
    REJECTED("rejected"),
    /**
     * Waiting for a slot of a provider whose concurrent executions are capped, before failing over or failing back;
     * nothing is changed meanwhile.
     */
    QUEUED("queued"),
    FAILING_OVER("failing-over"),
    /** A step failed with {@code onFailure: hold}: waiting for a person to go on or to undo everything. */
    HELD("held"),
    FAILED_OVER("failed-over"),
    AWAITING_STABILITY("awaiting-stability"),
    AWAITING_FAILBACK_APPROVAL("awaiting-failback-approval"),
    FAILING_BACK("failing-back"),
    DONE("done"),
    COMPENSATING("compensating"),
    COMPENSATED("compensated"),
    /** Ended without restoring everything: an undo or a failback step failed. */
    FAILED("failed");

    private final String value;

    Phase(String value) {
        this.value = value;
    }

    /** The phase as it is written: {@code failed-over}. */
    @JsonValue
    public String value() {
        return value;
    }

    /** The phase written as {@code text}; throws IllegalArgumentException for a text that names none. */
    @JsonCreator
    public static Phase of(String text) {
        for (Phase phase : values()) {
            if (phase.value.equals(text)) {
                return phase;
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a phase; phases: "
                + java.util.Arrays.stream(values()).map(Phase::value).toList());
    }

    /** As written, so messages read {@code phase failed-over}. */
    @Override
    public String toString() {
        return value;
    }
}
