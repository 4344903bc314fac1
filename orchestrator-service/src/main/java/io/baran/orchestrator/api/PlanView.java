package io.baran.orchestrator.api;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A plan ({@code POST /api/drills} with mode plan): what each step would change, and the same as text a person reads.
 * Nothing was changed.
 */
public record PlanView(
        String executionId,
        String runbook,
        @Schema(enumeration = "plan") String mode,
        List<PlanStep> steps,
        String text) {

    /**
     * @param changes  the step would change something
     * @param summary  what it would do, or why it would do nothing
     * @param error    why it cannot be planned, null when it can
     * @param replaces what the step would replace, as observed now
     */
    public record PlanStep(
            String name, String action, boolean changes, String summary, String error, Map<String, Object> replaces) {}
}
