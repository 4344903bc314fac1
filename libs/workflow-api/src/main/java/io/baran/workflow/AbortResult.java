package io.baran.workflow;

/**
 * What an abort did: the execution undoes what it changed (the Update returns once the undo has begun, not when it
 * ends).
 *
 * @param by      who aborted
 * @param abortedIn the phase the execution was in when the abort was taken
 */
public record AbortResult(String by, Phase abortedIn) {}
