package io.baran.workflow;

import java.util.List;

/**
 * What a readiness check found about one failover step ({@link ReadinessActivities#check}).
 *
 * @param status             {@link #OK}, {@link #NOT_READY} (the step would fail now) or {@link #NOT_CHECKED} (no deep
 *                           check exists for it: the reason says why)
 * @param reasons            why it is not ready or not checked, one line each; empty when ok
 * @param summary            what was observed, for people (the plan's summary, the health check's answer)
 * @param ttlSeconds         for a step that switches DNS records: the current TTL of the record, which clients may
 *                           keep the old answer for after the switch; null otherwise
 * @param lagSeconds         for a replica check: the measured replication lag; null when not measured
 * @param controlPlaneRegion the region of the control plane the step calls, as a scope ({@code aws/us-east-1}); null
 *                           when global or unknown
 */
public record StepCheck(
        String step,
        String action,
        String status,
        List<String> reasons,
        String summary,
        Long ttlSeconds,
        Double lagSeconds,
        String controlPlaneRegion) {

    public static final String OK = "ok";
    public static final String NOT_READY = "not-ready";
    public static final String NOT_CHECKED = "not-checked";

    public StepCheck {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    public static StepCheck ok(String step, String action, String summary) {
        return new StepCheck(step, action, OK, List.of(), summary, null, null, null);
    }

    public static StepCheck notReady(String step, String action, String reason) {
        return new StepCheck(step, action, NOT_READY, List.of(reason), null, null, null, null);
    }

    public static StepCheck notChecked(String step, String action, String reason) {
        return new StepCheck(step, action, NOT_CHECKED, List.of(reason), null, null, null, null);
    }
}
