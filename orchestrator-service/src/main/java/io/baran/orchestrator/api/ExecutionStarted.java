package io.baran.orchestrator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An execution was started; {@code Location} names it, to poll at {@code /api/executions/{executionId}}.
 */
public record ExecutionStarted(
        String executionId,
        String runbook,
        @Schema(enumeration = {"plan", "drill", "failover"}) String mode) {}
