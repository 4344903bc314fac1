package io.baran.orchestrator.readiness;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baran.runbook.Objectives;
import io.baran.workflow.StepCheck;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A runbook's readiness: the verdict of its latest evaluation and every reason for it ({@code GET /api/readiness}).
 *
 * @param verdict     {@code ready}: every check passed and nothing weighs against it; {@code degraded}: it would
 *                    run, but slower or less safely than it should (each reason says how); {@code not-ready}: a step
 *                    would fail now
 * @param reasons     every reason, the most serious first
 * @param prediction  the RTO predicted from the runbook's past drills and failovers
 * @param objectives  the runbook's {@code spec.objectives}; both null when it sets none
 * @param rpo         the replication lag measured now, the RPO an outage now would give
 * @param steps       what the replication-worker found about each step
 * @param evaluatedAt ISO-8601 time the evaluation ended
 */
public record ReadinessView(
        String runbook,
        int version,
        String protects,

        @Schema(enumeration = {"ready", "degraded", "not-ready"})
        String verdict,

        List<Reason> reasons,
        Prediction prediction,
        Objectives objectives,
        Rpo rpo,
        List<StepCheck> steps,
        String evaluatedAt) {

    public static final String READY = "ready";
    public static final String DEGRADED = "degraded";
    public static final String NOT_READY = "not-ready";

    /**
     * @param code     stable, for machines: {@code step-not-ready}, {@code ttl-too-long},
     *                 {@code control-plane-in-trigger-scope}, {@code rto-objective}, {@code rpo-objective},
     *                 {@code detector-vantages}, {@code temporal-in-trigger-scope}, {@code kafka-in-trigger-scope},
     *                 {@code quota-headroom}, {@code no-prediction}, {@code step-not-checked},
     *                 {@code quota-not-checked}
     * @param severity {@code not-ready} and {@code degraded} set the verdict; {@code info} does not
     * @param step     the step concerned; null for the runbook as a whole
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reason(
            String code,

            @Schema(enumeration = {"not-ready", "degraded", "info"})
            String severity,

            String step,
            String message) {

        @Override
        public String toString() {
            return code + (step == null ? "" : " (" + step + ")") + ": " + message;
        }
    }

    /** @param lagSeconds the largest lag a replica check measured; null when no step measures one ({@code why}) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rpo(Double lagSeconds, String why) {}
}
