package io.baran.workflow;

/** The result of applying or undoing a step. {@code changed} is false when there was nothing to do. */
public record StepOutcome(String step, boolean changed, String summary) {}
