package io.baran.workflow;

/**
 * One decision a person took on an execution, as its progress reports it.
 *
 * @param on         what the execution waited for, e.g. {@code approval to start the failover}
 * @param step       the step it waited at, null for its start or its failback
 * @param verdict    approve or reject
 * @param by         the verified person
 * @param at         when (epoch milliseconds, workflow time)
 * @param breakGlass an {@code admin} approved alone, where the runbook asks for other or more approvers
 * @param reason     the reason given, null when none
 */
public record Decision(
        String on, String step, Verdict verdict, String by, long at, boolean breakGlass, String reason) {}
