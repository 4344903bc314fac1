package io.baran.workflow;

/** An execution entered {@code phase} at {@code at} (epoch milliseconds, workflow time). */
public record PhaseChange(Phase phase, long at) {}
