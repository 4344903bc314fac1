package io.baran.runbook.action;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;

import static io.baran.runbook.ActionSpec.Type.DURATION;

/** {@code wait}: pauses the runbook, e.g. to let DNS caches expire. */
public final class Wait extends ActionType {

    public Wait() {
        super(ActionSpec.builder("wait", "Pauses the runbook; changes nothing.")
                .required("for", DURATION, "how long to wait")
                .controlFlow()
                .build());
    }
}
