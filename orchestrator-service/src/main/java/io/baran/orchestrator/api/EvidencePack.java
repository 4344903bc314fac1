package io.baran.orchestrator.api;

import io.baran.workflow.Actor;
import io.baran.workflow.Phase;
import io.baran.workflow.StepState;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The evidence of one execution for an auditor ({@code GET /api/executions/{id}/evidence}): what ran (the runbook's
 * name, version and sha256), who started and who approved it, each step's plan, the state it observed before and what
 * it reported after failover and after failback, with times, the recovery time and point against the runbook's
 * objectives, the Temporal run, and a hash of the whole pack.
 *
 * @param generatedAt   ISO-8601, when this pack was put together
 * @param temporalRunId Temporal's run id of the execution's latest run
 * @param approvedBy    the distinct people who approved something, in the order they first did
 * @param decisions     every decision taken on the execution, oldest first
 * @param objectives    the runbook version's {@code spec.objectives}: {@code rto} and {@code rpo}, absent when not set
 * @param score         RTO and RPO against the objectives
 * @param format        {@value EvidencePacks#FORMAT}, or {@value EvidencePacks#FORMAT_SIGNED} for a signed pack
 * @param packSha256    SHA-256 (hex) of this pack's canonical JSON (keys sorted, no spaces) with {@code packSha256}
 *                      (and in a signed pack {@code signature}) left out
 * @param signature     the orchestrator's ES256 signature of that same canonical JSON, with the id of its key; absent
 *                      when the orchestrator has no evidence key ({@code baran.evidence.signing.key-file})
 */
public record EvidencePack(
        String format,
        String generatedAt,
        String executionId,
        String temporalRunId,
        String status,
        @Schema(enumeration = {"plan", "drill", "failover"}) String mode,
        Phase phase,
        RunbookRef runbook,
        String scope,
        String incidentId,
        Actor startedBy,
        List<String> approvedBy,
        List<ExecutionView.DecisionView> decisions,
        List<StepEvidence> steps,
        List<ExecutionView.PhaseAt> phases,
        Map<String, String> objectives,
        ReportView.Rto rtoSeconds,
        ReportView.Rpo rpo,
        ReportView.Score score,
        boolean restored,
        String error,
        String packSha256,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        io.baran.events.EvidenceSeal.PackSignature signature) {

    /**
     * @param sha256 SHA-256 of the runbook's YAML text as stored; null when that version cannot be read
     */
    public record RunbookRef(String name, int version, String sha256, String protects) {}

    /**
     * One step.
     *
     * @param planned        the plan's line: what the step would change, decided from the state it observed
     * @param observedBefore the state the step observed before changing it (what undo puts back); empty for steps
     *                       that change nothing
     * @param afterFailover  what the step reported when its failover part ended (applied, passed, unchanged, failed)
     * @param afterFailback  what its undo or failback reported; null when it had none
     * @param finalState     where it stands now
     * @param transitions    every transition of the step, as the execution's audit trail stores it
     */
    public record StepEvidence(
            String name,
            String action,
            String planned,
            Map<String, Object> observedBefore,
            String afterFailover,
            String afterFailback,
            StepState finalState,
            String error,
            String startedAt,
            String endedAt,
            List<Transition> transitions) {}

    /** A step transition: {@code at} ISO-8601, the state entered, and its line. */
    public record Transition(String at, String state, String detail) {}
}
