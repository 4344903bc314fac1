package io.baran.workflow;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a readiness check found about one failover step ({@link ReadinessActivities#check}). Unknown fields are ignored
 * when read, so that a worker newer than its orchestrator may report more than the orchestrator knows of.
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
 * @param quotas             the provider quotas the step draws on, as the provider's API reports them (e.g. the record
 *                           sets of a Route 53 hosted zone); empty where it reports none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepCheck(
        String step,
        String action,
        String status,
        List<String> reasons,
        String summary,
        Long ttlSeconds,
        Double lagSeconds,
        String controlPlaneRegion,
        List<Quota> quotas) {

    public static final String OK = "ok";
    public static final String NOT_READY = "not-ready";
    public static final String NOT_CHECKED = "not-checked";

    public StepCheck {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        quotas = quotas == null ? List.of() : List.copyOf(quotas);
    }

    /** The same check with the quotas the step draws on. */
    public StepCheck withQuotas(List<Quota> found) {
        return new StepCheck(step, action, status, reasons, summary, ttlSeconds, lagSeconds, controlPlaneRegion, found);
    }

    /**
     * One provider quota a step draws on, as the provider's API reports it: what is counted, how many are in use and
     * allowed, and how many more the step would use. Either {@code used} and {@code limit} are set, or
     * {@code notChecked} says why the API did not tell (a permission missing, an API that does not answer the call).
     *
     * @param quota      what is counted, for people: {@code record sets in hosted zone shop.example. (Z123)}
     * @param used       how many are in use now; null when not checked
     * @param limit      how many the provider allows; null when not checked
     * @param needs      how many more the step would use when it runs (1 for a switch that creates its record)
     * @param notChecked why the quota could not be read; null when it was
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Quota(String quota, Long used, Long limit, long needs, String notChecked) {

        public static Quota of(String quota, long used, long limit, long needs) {
            return new Quota(quota, used, limit, needs, null);
        }

        public static Quota notChecked(String quota, long needs, String why) {
            return new Quota(quota, null, null, needs, why);
        }
    }

    public static StepCheck ok(String step, String action, String summary) {
        return new StepCheck(step, action, OK, List.of(), summary, null, null, null, List.of());
    }

    public static StepCheck notReady(String step, String action, String reason) {
        return new StepCheck(step, action, NOT_READY, List.of(reason), null, null, null, null, List.of());
    }

    public static StepCheck notChecked(String step, String action, String reason) {
        return new StepCheck(step, action, NOT_CHECKED, List.of(reason), null, null, null, null, List.of());
    }
}
