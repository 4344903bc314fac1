package io.baran.runbook.action;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;

import static io.baran.runbook.ActionSpec.Type.STRING;

/** {@code notify}: tells the people on call what the runbook is doing. */
public final class Notify extends ActionType {

    public Notify() {
        super(ActionSpec.builder("notify", "Sends a message to people on call; changes nothing.")
                .required("channel", STRING, "where to send it")
                .required("message", STRING, "what to say")
                .notImplementedYet().build());
    }
}
