package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.DURATION;
import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;

/** {@code approval}: holds the runbook until a person approves (POST /api/executions/{id}/approve). */
public final class Approval extends ActionType {

    /** The action's name in a runbook; the interpreter runs it itself. */
    public static final String NAME = "approval";

    public Approval() {
        super(ActionSpec.builder(NAME, "Waits for a person to approve; changes nothing.")
                .optional("message", STRING, "what the person is asked to confirm")
                .optional("timeout", DURATION, "how long to wait for the decision; the step fails after it")
                .controlFlow()
                .build());
    }
}
