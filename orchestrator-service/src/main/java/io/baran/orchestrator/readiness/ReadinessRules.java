package io.baran.orchestrator.readiness;

import io.baran.orchestrator.readiness.ReadinessView.Reason;
import io.baran.runbook.Runbook;
import io.baran.workflow.ControlPlanes;
import io.baran.workflow.StepCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Weighs what the replication-worker found, the runbook's history and objectives, and Baran's own placement into one
 * verdict with every reason. Pure: it decides, and changes nothing.
 */
public final class ReadinessRules {

    private ReadinessRules() {}

    /**
     * What readiness weighs besides the runbook and its checks.
     *
     * @param maxTtl        a switched record's current TTL longer than this degrades
     * @param vantages      detector vantages in the roster
     * @param minVantages   fewer degrade
     * @param temporalScope where Baran's Temporal runs, as a scope, if known
     * @param kafkaScope    where Baran's Kafka runs, as a scope, if known
     * @param quotaDegraded a provider quota at least this full (percent) degrades
     * @param quotaNotReady a provider quota at least this full (percent) is not ready for a step that adds to it
     */
    public record Limits(
            Duration maxTtl,
            int vantages,
            int minVantages,
            Optional<String> temporalScope,
            Optional<String> kafkaScope,
            int quotaDegraded,
            int quotaNotReady) {

        public Limits {
            checkQuotaPercents(quotaDegraded, quotaNotReady);
        }
    }

    /** Both thresholds are percentages, and a quota degrades before it is not ready; refused at start otherwise. */
    static void checkQuotaPercents(int degraded, int notReady) {
        if (degraded < 1 || notReady > 100 || degraded > notReady) {
            throw new IllegalArgumentException("baran.readiness.quota-degraded-percent (" + degraded
                    + ") and baran.readiness.quota-not-ready-percent (" + notReady
                    + ") must be percentages with 1 <= quota-degraded-percent <= quota-not-ready-percent <= 100");
        }
    }

    public static ReadinessView evaluate(
            Runbook runbook, List<StepCheck> checks, Prediction prediction, Limits limits, Instant at) {
        List<Reason> reasons = new ArrayList<>();
        String triggerScope =
                runbook.trigger() == null ? null : runbook.trigger().scope();
        Optional<Duration> rto = runbook.objectives().rtoDuration();
        Double worstLag = null;
        for (StepCheck check : checks) {
            switch (check.status()) {
                case StepCheck.NOT_READY ->
                    check.reasons()
                            .forEach(r -> reasons.add(
                                    new Reason("step-not-ready", ReadinessView.NOT_READY, check.step(), r)));
                case StepCheck.NOT_CHECKED ->
                    check.reasons().forEach(r -> reasons.add(new Reason("step-not-checked", "info", check.step(), r)));
                default -> {}
            }
            if (check.ttlSeconds() != null) {
                Duration ttl = Duration.ofSeconds(check.ttlSeconds());
                if (ttl.compareTo(limits.maxTtl()) > 0) {
                    reasons.add(new Reason(
                            "ttl-too-long",
                            ReadinessView.DEGRADED,
                            check.step(),
                            "the record this step switches has a TTL of " + check.ttlSeconds() + "s (" + human(ttl)
                                    + "): resolvers may keep sending clients to the failed primary for up to "
                                    + human(ttl) + " after the switch, a " + human(ttl)
                                    + " failover (more than baran.readiness.max-ttl, " + human(limits.maxTtl())
                                    + "); lower it ahead of an outage"));
                } else if (rto.isPresent() && ttl.compareTo(rto.get()) > 0) {
                    reasons.add(new Reason(
                            "ttl-too-long",
                            ReadinessView.DEGRADED,
                            check.step(),
                            "the record this step switches has a TTL of " + check.ttlSeconds()
                                    + "s, longer than the RTO objective "
                                    + runbook.objectives().rto()
                                    + ": clients may keep the old answer past it"));
                }
            }
            check.quotas().forEach(quota -> quota(check.step(), quota, limits, reasons));
            if (check.lagSeconds() != null) {
                worstLag = worstLag == null ? check.lagSeconds() : Math.max(worstLag, check.lagSeconds());
            }
            if (check.controlPlaneRegion() != null
                    && ControlPlanes.dependsOn(check.controlPlaneRegion(), triggerScope)) {
                reasons.add(new Reason(
                        "control-plane-in-trigger-scope",
                        ReadinessView.DEGRADED,
                        check.step(),
                        "this step calls a control plane in " + check.controlPlaneRegion()
                                + ", inside the runbook's own trigger scope " + triggerScope
                                + ": the outage that starts the failover may take it down too"));
            }
        }
        placement(limits, triggerScope, reasons);
        objectives(runbook, prediction, worstLag, reasons);
        reasons.sort(Comparator.comparingInt(r -> rank(r.severity())));
        String verdict = reasons.stream().anyMatch(r -> ReadinessView.NOT_READY.equals(r.severity()))
                ? ReadinessView.NOT_READY
                : reasons.stream().anyMatch(r -> ReadinessView.DEGRADED.equals(r.severity()))
                        ? ReadinessView.DEGRADED
                        : ReadinessView.READY;
        ReadinessView.Rpo rpo = worstLag != null
                ? new ReadinessView.Rpo(worstLag, null)
                : new ReadinessView.Rpo(null, "no storage.check-replica step measures replication lag");
        return new ReadinessView(
                runbook.name(),
                runbook.version(),
                runbook.protects(),
                verdict,
                reasons,
                prediction,
                runbook.objectives(),
                rpo,
                checks,
                at.toString());
    }

    /**
     * A provider quota's headroom: not ready when the step would be refused (it adds to a quota with no room left) or
     * the quota is at least {@code quotaNotReady} full and the step adds to it; degraded when it is at least
     * {@code quotaDegraded} full. A quota the provider's API did not answer is named, as info: it is optional to read.
     */
    private static void quota(String step, StepCheck.Quota quota, Limits limits, List<Reason> reasons) {
        if (quota.notChecked() != null || quota.used() == null || quota.limit() == null) {
            reasons.add(new Reason(
                    "quota-not-checked",
                    "info",
                    step,
                    "quota not checked: " + quota.quota() + ": "
                            + (quota.notChecked() == null ? "the provider did not report it" : quota.notChecked())));
            return;
        }
        long used = quota.used();
        long limit = quota.limit();
        double percent = limit <= 0 ? 100 : 100.0 * used / limit;
        String fill = quota.quota() + ": " + used + " of " + limit + " used (" + percentage(percent) + ")";
        if (quota.needs() > 0 && (used + quota.needs() > limit || percent >= limits.quotaNotReady())) {
            reasons.add(new Reason(
                    "quota-headroom",
                    ReadinessView.NOT_READY,
                    step,
                    fill + "; this step adds " + quota.needs()
                            + (used + quota.needs() > limit
                                    ? " and would be refused now"
                                    : ", at or over baran.readiness.quota-not-ready-percent (" + limits.quotaNotReady()
                                            + "%)")
                            + ": raise the limit or make room ahead of an outage"));
        } else if (percent >= limits.quotaDegraded()) {
            reasons.add(new Reason(
                    "quota-headroom",
                    ReadinessView.DEGRADED,
                    step,
                    fill + ", at or over baran.readiness.quota-degraded-percent (" + limits.quotaDegraded() + "%)"
                            + (quota.needs() > 0
                                    ? "; this step adds " + quota.needs()
                                    : "; this step adds none now, but would have to were its record gone")
                            + ": raise the limit or make room ahead of an outage"));
        }
    }

    /** e.g. {@code 90%}, {@code 99.9%}. */
    private static String percentage(double percent) {
        double rounded = Math.floor(percent * 10) / 10;
        return (rounded == Math.rint(rounded) ? String.valueOf((long) rounded) : String.valueOf(rounded)) + "%";
    }

    private static void placement(Limits limits, String triggerScope, List<Reason> reasons) {
        if (limits.vantages() < limits.minVantages()) {
            reasons.add(new Reason(
                    "detector-vantages",
                    ReadinessView.DEGRADED,
                    null,
                    "Baran trusts " + limits.vantages() + " detector vantage(s) (baran.signing.roster), fewer than "
                            + limits.minVantages() + ": one vantage's failure or partition hides an outage"));
        }
        if (triggerScope == null) {
            return;
        }
        inTriggerScope(
                limits.temporalScope(),
                "temporal",
                "Temporal",
                "the failover's own workflow engine",
                triggerScope,
                reasons);
        inTriggerScope(
                limits.kafkaScope(), "kafka", "Kafka", "the event that starts the failover", triggerScope, reasons);
    }

    /** A part of Baran that runs inside the scope whose outage starts the failover. */
    private static void inTriggerScope(
            Optional<String> where, String code, String part, String stops, String triggerScope, List<Reason> reasons) {
        where.filter(scope -> ControlPlanes.dependsOn(scope, triggerScope))
                .ifPresent(scope -> reasons.add(new Reason(
                        code + "-in-trigger-scope",
                        ReadinessView.DEGRADED,
                        null,
                        "Baran's " + part + " runs in " + scope + ", inside the trigger scope " + triggerScope
                                + ": the outage may stop " + stops)));
    }

    private static void objectives(Runbook runbook, Prediction prediction, Double worstLag, List<Reason> reasons) {
        var objectives = runbook.objectives();
        if (prediction.p95Seconds() == null) {
            reasons.add(new Reason(
                    "no-prediction",
                    "info",
                    null,
                    "no RTO prediction: no past drill or failover ran step(s) "
                            + String.join(", ", prediction.missing()) + "; a drill gives one"));
        } else if (objectives.rtoDuration().isPresent()) {
            double objective = objectives.rtoDuration().get().toMillis() / 1000.0;
            if (prediction.p95Seconds() > objective) {
                reasons.add(new Reason(
                        "rto-objective",
                        ReadinessView.DEGRADED,
                        null,
                        "predicted RTO p95 " + prediction.p95Seconds() + "s (p50 " + prediction.p50Seconds()
                                + "s) exceeds the objective " + objectives.rto()));
            }
        }
        if (worstLag != null && objectives.rpoDuration().isPresent()) {
            double objective = objectives.rpoDuration().get().toMillis() / 1000.0;
            if (worstLag > objective) {
                reasons.add(new Reason(
                        "rpo-objective",
                        ReadinessView.DEGRADED,
                        null,
                        "replication lag " + worstLag + "s exceeds the RPO objective " + objectives.rpo()));
            }
        }
    }

    private static int rank(String severity) {
        return switch (severity) {
            case ReadinessView.NOT_READY -> 0;
            case ReadinessView.DEGRADED -> 1;
            default -> 2;
        };
    }

    /** e.g. {@code 1d}, {@code 2h}, {@code 90s}. */
    static String human(Duration d) {
        long s = d.toSeconds();
        if (s > 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s > 0 && s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s > 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
