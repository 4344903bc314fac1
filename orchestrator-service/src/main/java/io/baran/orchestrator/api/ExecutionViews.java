package io.baran.orchestrator.api;

import io.baran.runbook.Durations;
import io.baran.runbook.Objectives;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.Phase;
import io.baran.workflow.PhaseChange;
import io.baran.workflow.StepState;
import io.baran.workflow.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How executions read in the REST API: their state, a plan, a report. */
final class ExecutionViews {

    private ExecutionViews() {}

    /**
     * Whether the execution waits at its start gate, as {@code POST /approve-incident} approves it: its first one
     * (nothing run yet), or the one of a turn round (an outage detected while it failed back, change
     * {@code failback-turns-round}, or while its failed failover was undone, change {@code compensation-turns-round}),
     * between steps after the failback or the undo.
     */
    static boolean waitsAtItsStart(ExecutionProgress p) {
        return p.phase() == Phase.AWAITING_APPROVAL
                && p.currentStep() == null
                && (p.steps().stream().allMatch(step -> step.state() == StepState.PENDING)
                        || p.phases().stream()
                                .anyMatch(change ->
                                        change.phase() == Phase.FAILING_BACK || change.phase() == Phase.COMPENSATING));
    }

    /**
     * Whether the blast-radius guard holds the execution between two steps (it tripped after the start, or holds a
     * turn round); a failed step that holds has a current step, and is left to {@code /approve}.
     */
    static boolean heldBetweenSteps(ExecutionProgress p) {
        return p.phase() == Phase.HELD && p.currentStep() == null;
    }

    static ExecutionView execution(String id, String status, ExecutionProgress p) {
        return new ExecutionView(
                id,
                status,
                p.runbook(),
                p.runbookVersion(),
                p.protects(),
                mode(p),
                p.phase(),
                p.awaiting(),
                p.currentStep(),
                p.scope(),
                p.incidentId(),
                p.startedBy(),
                p.approvalsNeeded(),
                p.decisions().stream()
                        .map(d -> new ExecutionView.DecisionView(
                                d.on(),
                                d.step(),
                                d.verdict().name().toLowerCase(),
                                d.by(),
                                time(d.at()),
                                d.breakGlass(),
                                d.reason()))
                        .toList(),
                p.failbackRequestedBy(),
                p.abortedBy() == null ? null : p.abortedBy().name(),
                p.reapplied().stream()
                        .map(r -> new ExecutionView.ReappliedView(
                                r.step(), r.incidentId(), time(r.at()), r.summary(), r.error()))
                        .toList(),
                p.steps().stream()
                        .map(s -> new ExecutionView.StepView(
                                s.name(),
                                s.action(),
                                s.state(),
                                s.summary(),
                                s.error(),
                                time(s.startedAt()),
                                time(s.endedAt()),
                                s.replaced()))
                        .toList(),
                p.phases().stream()
                        .map(c -> new ExecutionView.PhaseAt(c.phase(), time(c.at())))
                        .toList(),
                p.error());
    }

    /** A plan: the steps with what each would change, and the same as text a person reads. */
    static PlanView plan(String id, ExecutionProgress p) {
        StringBuilder text = new StringBuilder("Plan of runbook " + p.runbook() + " (service " + p.protects() + "):\n");
        List<PlanView.PlanStep> steps = new ArrayList<>();
        int n = 1;
        for (StepStatus s : p.steps()) {
            String verdict = switch (s.state()) {
                case PLANNED -> "would change";
                case UNCHANGED -> "no change";
                case FAILED -> "cannot plan";
                default -> s.state().value();
            };
            text.append(String.format(
                    "%2d. %-24s %-24s %-13s %s%n",
                    n++,
                    s.name(),
                    s.action(),
                    verdict,
                    s.error() != null ? s.error() : s.summary() == null ? "" : s.summary()));
            steps.add(new PlanView.PlanStep(
                    s.name(), s.action(), s.state() == StepState.PLANNED, s.summary(), s.error(), s.replaced()));
        }
        return new PlanView(id, p.runbook(), "plan", steps, text.toString());
    }

    /**
     * The recovery-time report: detect (outage start to execution start), decide (waiting for people),
     * execute (each step), verify (the checks), and the total until failed over and until done.
     */
    static ReportView report(String id, String status, ExecutionProgress p) {
        return report(id, status, p, Objectives.NONE);
    }

    /** The report, scored against the objectives of the runbook version the execution ran. */
    static ReportView report(String id, String status, ExecutionProgress p, Objectives objectives) {
        Long started = p.phases().isEmpty() ? null : p.phases().get(0).at();
        Long failedOver = at(p.phases(), Phase.FAILED_OVER);
        Long ended = p.phases().isEmpty()
                ? null
                : p.phases().get(p.phases().size() - 1).at();
        long execute = 0;
        long verify = 0;
        List<ReportView.StepTime> stepTimes = new ArrayList<>();
        for (StepStatus s : p.steps()) {
            if (s.startedAt() == null || s.endedAt() == null) {
                continue;
            }
            long took = s.endedAt() - s.startedAt();
            if (s.state() == StepState.PASSED || "health.check".equals(s.action())) {
                verify += took;
            } else {
                execute += took;
            }
            stepTimes.add(new ReportView.StepTime(s.name(), s.action(), seconds(took), s.state()));
        }
        var rto = new ReportView.Rto(
                p.outageSince() != null && started != null ? seconds(started - p.outageSince()) : null,
                seconds(p.decideMillis()),
                seconds(execute),
                seconds(verify),
                stepTimes,
                failedOver != null
                        ? seconds(failedOver - (p.outageSince() != null ? p.outageSince() : started))
                        : null);
        var changed = p.steps().stream()
                .filter(s -> !s.replaced().isEmpty())
                .map(s -> new ReportView.Change(s.name(), s.replaced(), s.state()))
                .toList();
        boolean restored = p.steps().stream()
                .allMatch(s ->
                        !List.of(StepState.APPLIED, StepState.UNDO_FAILED, StepState.FAILBACK_FAILED, StepState.FAILED)
                                        .contains(s.state())
                                || s.replaced().isEmpty());
        ReportView.Rpo rpo = rpo(p);
        return new ReportView(
                id,
                p.runbook(),
                mode(p),
                status,
                p.phase(),
                rto,
                rpo,
                changed,
                restored,
                time(started),
                time(ended),
                score(objectives, rto, rpo));
    }

    /**
     * Each objective the runbook sets against what the execution measured: the RTO against {@code rtoSeconds.total}
     * (outage start, or execution start, to failed over), the RPO against the largest replication lag measured.
     */
    static ReportView.Score score(Objectives objectives, ReportView.Rto rto, ReportView.Rpo rpo) {
        ReportView.ObjectiveResult rtoResult = judge(
                objectives.rto(),
                rto.total(),
                "the execution never reached failed-over, so its recovery time was not measured",
                "outage start (or execution start) to failed over");
        ReportView.ObjectiveResult rpoResult = judge(
                objectives.rpo(),
                rpo.measured() ? rpo.seconds() : null,
                rpo.measured() ? null : "RPO not measured: " + rpo.why(),
                "the largest replication lag measured");
        Boolean passed = objectives.isEmpty()
                ? null
                : List.of(rtoResult, rpoResult).stream()
                        .allMatch(r -> "pass".equals(r.result()) || "no-objective".equals(r.result()));
        return new ReportView.Score(passed, rtoResult, rpoResult);
    }

    private static ReportView.ObjectiveResult judge(
            String objective, Double measured, String notMeasured, String what) {
        if (objective == null) {
            return new ReportView.ObjectiveResult(
                    null, null, measured, "no-objective", "the runbook sets no objective here (spec.objectives)");
        }
        double target = seconds(Durations.parse(objective).toMillis());
        if (measured == null) {
            return new ReportView.ObjectiveResult(objective, target, null, "not-measured", notMeasured);
        }
        boolean pass = measured <= target;
        return new ReportView.ObjectiveResult(
                objective,
                target,
                measured,
                pass ? "pass" : "fail",
                String.format(
                        java.util.Locale.ROOT,
                        "%s: %.3fs %s the objective %s (%.0fs)",
                        what,
                        measured,
                        pass ? "within" : "over",
                        objective,
                        target));
    }

    private static final java.util.regex.Pattern RPO =
            java.util.regex.Pattern.compile("^RPO ([0-9]+(?:\\.[0-9]+)?)s\\b");

    /**
     * The recovery point: the largest replication lag a {@code storage.check-replica} step measured (its
     * summary starts {@code RPO <seconds>s}); data written in that window before the outage may be missing.
     */
    static ReportView.Rpo rpo(ExecutionProgress p) {
        List<ReportView.RpoStep> measured = new ArrayList<>();
        double worst = -1;
        for (StepStatus s : p.steps()) {
            if (!"storage.check-replica".equals(s.action()) || s.summary() == null) {
                continue;
            }
            var m = RPO.matcher(s.summary());
            if (m.find()) {
                double seconds = Double.parseDouble(m.group(1));
                worst = Math.max(worst, seconds);
                measured.add(new ReportView.RpoStep(s.name(), seconds, s.summary()));
            }
        }
        if (measured.isEmpty()) {
            return ReportView.Rpo.notMeasured("no storage.check-replica step measured replication lag");
        }
        return ReportView.Rpo.measured(worst, measured);
    }

    private static String mode(ExecutionProgress p) {
        return p.mode() == null ? null : p.mode().name().toLowerCase();
    }

    private static Long at(List<PhaseChange> phases, Phase phase) {
        return phases.stream()
                .filter(c -> c.phase() == phase)
                .map(PhaseChange::at)
                .findFirst()
                .orElse(null);
    }

    private static double seconds(long millis) {
        return Duration.ofMillis(millis).toMillis() / 1000.0;
    }

    private static String time(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}
