package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.BOOL;
import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;

/**
 * {@code notify}: tells the people on call what the runbook is doing. By default a message that cannot be
 * delivered never stops a failover (the chat service may be down with the region); {@code required: true}
 * makes delivery part of the runbook.
 */
public final class Notify extends ActionType {

    public Notify() {
        super(ActionSpec.builder("notify", "Sends a message to people on call; changes nothing.")
                .required(
                        "channel",
                        STRING,
                        "a notification channel configured in the replication-worker "
                                + "(baran.notify.channels.\"<name>\"), never a webhook URL")
                .required("message", STRING, "what to say; ${parameters} are replaced")
                .optional(
                        "required",
                        BOOL,
                        "true: the step fails when the message cannot be delivered; false "
                                + "(default): the step passes, its summary says the message was not delivered, and the runbook goes on")
                .defaultsTo("required", false)
                .build());
    }
}
