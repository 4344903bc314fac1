package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.DURATION;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;

/** {@code wait}: pauses the runbook, e.g. to let DNS caches expire. */
public final class Wait extends ActionType {

    /** The action's name in a runbook; the interpreter runs it itself. */
    public static final String NAME = "wait";

    public Wait() {
        super(ActionSpec.builder(NAME, "Pauses the runbook; changes nothing.")
                .required("for", DURATION, "how long to wait")
                .controlFlow()
                .build());
    }
}
