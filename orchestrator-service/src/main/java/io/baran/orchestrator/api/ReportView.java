package io.baran.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baran.workflow.Phase;
import io.baran.workflow.StepState;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The recovery-time report of an execution ({@code GET /api/executions/{id}/report}).
 *
 * @param rtoSeconds the recovery time, in seconds, split into its parts
 * @param rpo        the recovery point, when a replica check measured it
 * @param changed    the steps that changed something, with what they replaced
 * @param restored   everything changed was put back (or nothing was changed)
 * @param startedAt  ISO-8601, null before it started
 * @param endedAt    ISO-8601 time of its last phase change
 * @param score      the execution measured against the runbook's {@code spec.objectives}
 */
public record ReportView(
        String executionId,
        String runbook,
        @Schema(enumeration = {"plan", "drill", "failover"}) String mode,
        String status,
        Phase phase,
        Rto rtoSeconds,
        Rpo rpo,
        List<Change> changed,
        boolean restored,
        String startedAt,
        String endedAt,
        Score score) {

    /**
     * @param detect  outage start to execution start; null when no outage start is known
     * @param decide  time spent waiting for people
     * @param execute the steps that change things
     * @param verify  the checks
     * @param steps   each step's time
     * @param total   outage start (or execution start) to failed over; null until failed over
     */
    public record Rto(
            Double detect, double decide, double execute, double verify, List<StepTime> steps, Double total) {}

    public record StepTime(String step, String action, double seconds, StepState state) {}

    /**
     * The recovery point: the largest replication lag a {@code storage.check-replica} step measured. Measured:
     * {@code seconds} and {@code steps}; not measured: {@code why}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rpo(boolean measured, String why, Double seconds, List<RpoStep> steps) {

        static Rpo notMeasured(String why) {
            return new Rpo(false, why, null, null);
        }

        static Rpo measured(double seconds, List<RpoStep> steps) {
            return new Rpo(true, null, seconds, List.copyOf(steps));
        }
    }

    /** @param summary the step's summary, starting {@code RPO <seconds>s} */
    public record RpoStep(String step, double seconds, String summary) {}

    /**
     * The execution against the runbook's objectives ({@code spec.objectives}) as they were in the version it ran.
     *
     * @param passed true when every objective the runbook sets passed, false when one failed or was not measured,
     *               null when the runbook sets none
     */
    public record Score(Boolean passed, ObjectiveResult rto, ObjectiveResult rpo) {}

    /**
     * @param objective       the objective as the runbook writes it ({@code 5m}); null when the runbook sets none
     * @param objectiveSeconds the same in seconds
     * @param measuredSeconds what the execution measured: RTO {@code rtoSeconds.total}, RPO {@code rpo.seconds}
     * @param result          {@code pass}, {@code fail}, {@code not-measured} or {@code no-objective}
     * @param why             one line a person reads
     */
    public record ObjectiveResult(
            String objective,
            Double objectiveSeconds,
            Double measuredSeconds,

            @Schema(enumeration = {"pass", "fail", "not-measured", "no-objective"})
            String result,

            String why) {}

    /** @param replaced what the step replaced; undo puts it back */
    public record Change(String step, Map<String, Object> replaced, StepState state) {}
}
