package io.baran.workflow;

/** A changing step registered for undo: the command and the plan holding the state it replaces. */
public record UndoEntry(StepCommand command, StepPlan plan) {}
