package io.baran.workflow;

/**
 * Memo fields an execution carries from its start, shown by the Temporal UI (and {@code temporal workflow describe})
 * without registration, unlike search attributes.
 */
public final class Memos {
    /** The runbook's tier ({@code spec.priority}, 1 first), a number. */
    public static final String PRIORITY = "baranPriority";
    /** Why the blast-radius guard holds this automatic failover for a person's approval, a text; absent when not held. */
    public static final String HELD_BY = "baranHeldBy";

    private Memos() {}
}
