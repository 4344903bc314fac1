package io.baran.orchestrator.api;

import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.Phase;
import io.baran.workflow.PhaseChange;
import io.baran.workflow.StepState;
import io.baran.workflow.StepStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How executions read in the REST API: their state, a plan, a report. */
final class ExecutionViews {

    private ExecutionViews() {
    }

    static Map<String, Object> execution(String id, String status, ExecutionProgress p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executionId", id);
        body.put("status", status);
        body.put("runbook", p.runbook());
        body.put("runbookVersion", p.runbookVersion());
        body.put("protects", p.protects());
        body.put("mode", p.mode() == null ? null : p.mode().name().toLowerCase());
        body.put("phase", p.phase());
        body.put("awaiting", p.awaiting());
        body.put("currentStep", p.currentStep());
        body.put("scope", p.scope());
        body.put("incidentId", p.incidentId());
        body.put("startedBy", p.startedBy());
        body.put("approvalsNeeded", p.approvalsNeeded());
        body.put("decisions", p.decisions().stream().map(d -> {
            Map<String, Object> decision = new LinkedHashMap<>();
            decision.put("on", d.on());
            decision.put("step", d.step());
            decision.put("verdict", d.verdict().name().toLowerCase());
            decision.put("by", d.by());
            decision.put("at", time(d.at()));
            decision.put("breakGlass", d.breakGlass());
            decision.put("reason", d.reason());
            return decision;
        }).toList());
        body.put("failbackRequestedBy", p.failbackRequestedBy());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepStatus s : p.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", s.name());
            step.put("action", s.action());
            step.put("state", s.state());
            step.put("summary", s.summary());
            step.put("error", s.error());
            step.put("startedAt", time(s.startedAt()));
            step.put("endedAt", time(s.endedAt()));
            step.put("replaced", s.replaced());
            steps.add(step);
        }
        body.put("steps", steps);
        body.put("phases", p.phases().stream().map(c -> Map.of("phase", c.phase(), "at", time(c.at()))).toList());
        body.put("error", p.error());
        return body;
    }

    /** A plan: the steps with what each would change, and the same as text a person reads. */
    static Map<String, Object> plan(String id, ExecutionProgress p) {
        StringBuilder text = new StringBuilder("Plan of runbook " + p.runbook() + " (service " + p.protects() + "):\n");
        List<Map<String, Object>> steps = new ArrayList<>();
        int n = 1;
        for (StepStatus s : p.steps()) {
            String verdict = switch (s.state()) {
                case PLANNED -> "would change";
                case UNCHANGED -> "no change";
                case FAILED -> "cannot plan";
                default -> s.state().value();
            };
            text.append(String.format("%2d. %-24s %-24s %-13s %s%n", n++, s.name(), s.action(), verdict,
                    s.error() != null ? s.error() : s.summary() == null ? "" : s.summary()));
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", s.name());
            step.put("action", s.action());
            step.put("changes", s.state() == StepState.PLANNED);
            step.put("summary", s.summary());
            step.put("error", s.error());
            step.put("replaces", s.replaced());
            steps.add(step);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executionId", id);
        body.put("runbook", p.runbook());
        body.put("mode", "plan");
        body.put("steps", steps);
        body.put("text", text.toString());
        return body;
    }

    /**
     * The recovery-time report: detect (outage start to execution start), decide (waiting for people),
     * execute (each step), verify (the checks), and the total until failed over and until done.
     */
    static Map<String, Object> report(String id, String status, ExecutionProgress p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executionId", id);
        body.put("runbook", p.runbook());
        body.put("mode", p.mode() == null ? null : p.mode().name().toLowerCase());
        body.put("status", status);
        body.put("phase", p.phase());
        Long started = p.phases().isEmpty() ? null : p.phases().get(0).at();
        Long failedOver = at(p.phases(), Phase.FAILED_OVER);
        Long ended = p.phases().isEmpty() ? null : p.phases().get(p.phases().size() - 1).at();
        Map<String, Object> rto = new LinkedHashMap<>();
        rto.put("detect", p.outageSince() != null && started != null ? seconds(started - p.outageSince()) : null);
        rto.put("decide", seconds(p.decideMillis()));
        long execute = 0;
        long verify = 0;
        List<Map<String, Object>> stepTimes = new ArrayList<>();
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
            stepTimes.add(Map.of("step", s.name(), "action", s.action(), "seconds", seconds(took), "state", s.state()));
        }
        rto.put("execute", seconds(execute));
        rto.put("verify", seconds(verify));
        rto.put("steps", stepTimes);
        rto.put("total", failedOver != null ? seconds(failedOver - (p.outageSince() != null ? p.outageSince() : started)) : null);
        body.put("rtoSeconds", rto);
        body.put("rpo", rpo(p));
        body.put("changed", p.steps().stream().filter(s -> !s.replaced().isEmpty())
                .map(s -> Map.of("step", s.name(), "replaced", s.replaced(), "state", s.state())).toList());
        body.put("restored", p.steps().stream().allMatch(s -> !List.of(StepState.APPLIED, StepState.UNDO_FAILED, StepState.FAILED).contains(s.state())
                || s.replaced().isEmpty()));
        body.put("startedAt", time(started));
        body.put("endedAt", time(ended));
        return body;
    }

    private static final java.util.regex.Pattern RPO = java.util.regex.Pattern.compile("^RPO ([0-9]+(?:\\.[0-9]+)?)s\\b");

    /**
     * The recovery point: the largest replication lag a {@code storage.check-replica} step measured (its
     * summary starts {@code RPO <seconds>s}); data written in that window before the outage may be missing.
     */
    static Map<String, Object> rpo(ExecutionProgress p) {
        List<Map<String, Object>> measured = new ArrayList<>();
        double worst = -1;
        for (StepStatus s : p.steps()) {
            if (!"storage.check-replica".equals(s.action()) || s.summary() == null) {
                continue;
            }
            var m = RPO.matcher(s.summary());
            if (m.find()) {
                double seconds = Double.parseDouble(m.group(1));
                worst = Math.max(worst, seconds);
                measured.add(Map.of("step", s.name(), "seconds", seconds, "summary", s.summary()));
            }
        }
        if (measured.isEmpty()) {
            return Map.of("measured", false, "why", "no storage.check-replica step measured replication lag");
        }
        return Map.of("measured", true, "seconds", worst, "steps", measured);
    }

    private static Long at(List<PhaseChange> phases, Phase phase) {
        return phases.stream().filter(c -> c.phase() == phase).map(PhaseChange::at).findFirst().orElse(null);
    }

    private static Double seconds(long millis) {
        return Duration.ofMillis(millis).toMillis() / 1000.0;
    }

    private static String time(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}
