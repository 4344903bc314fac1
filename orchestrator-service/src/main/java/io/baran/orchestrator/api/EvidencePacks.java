package io.baran.orchestrator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.baran.events.EvidenceSeal;
import io.baran.events.ExecutionEvent;
import io.baran.events.SigningKey;
import io.baran.runbook.Objectives;
import io.baran.runbook.Runbook;
import io.baran.workflow.StepState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Puts an evidence pack together from the execution, its audit trail and the runbook version it ran; pure. */
final class EvidencePacks {

    static final String FORMAT = "baran-evidence/1";

    /** Sorted keys, ISO dates, no indentation: the form the pack's hash is taken of. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .findAndAddModules()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private EvidencePacks() {}

    /**
     * @param runbook the runbook version the execution ran, as stored; empty when it cannot be read
     * @param events  the execution's transitions from the audit trail, oldest first
     */
    static EvidencePack of(
            ExecutionView view,
            ReportView report,
            String runId,
            Optional<Runbook> runbook,
            List<ExecutionEvent> events,
            Instant now,
            Optional<SigningKey> key) {
        List<String> approvedBy = new ArrayList<>(new LinkedHashSet<>(view.decisions().stream()
                .filter(d -> "approve".equals(d.verdict()))
                .map(ExecutionView.DecisionView::by)
                .toList()));
        List<EvidencePack.StepEvidence> steps = new ArrayList<>();
        for (ExecutionView.StepView step : view.steps()) {
            List<EvidencePack.Transition> transitions = events.stream()
                    .filter(e -> step.name().equals(e.step()))
                    .map(e -> new EvidencePack.Transition(
                            Instant.ofEpochMilli(e.at()).toString(), e.state(), e.detail()))
                    .toList();
            steps.add(new EvidencePack.StepEvidence(
                    step.name(),
                    step.action(),
                    planned(transitions),
                    step.replaced(),
                    afterFailover(transitions),
                    afterFailback(transitions),
                    step.state(),
                    step.error(),
                    step.startedAt(),
                    step.endedAt(),
                    transitions));
        }
        Objectives objectives = runbook.map(Runbook::objectives).orElse(Objectives.NONE);
        Map<String, String> objectiveMap = new LinkedHashMap<>();
        if (objectives.rto() != null) {
            objectiveMap.put("rto", objectives.rto());
        }
        if (objectives.rpo() != null) {
            objectiveMap.put("rpo", objectives.rpo());
        }
        EvidencePack unsigned = new EvidencePack(
                FORMAT,
                now.toString(),
                view.executionId(),
                runId,
                view.status(),
                view.mode(),
                view.phase(),
                new EvidencePack.RunbookRef(
                        view.runbook(),
                        view.runbookVersion(),
                        runbook.map(Runbook::sha256).orElse(null),
                        view.protects()),
                view.scope(),
                view.incidentId(),
                view.startedBy(),
                approvedBy,
                view.decisions(),
                steps,
                view.phases(),
                objectiveMap,
                report.rtoSeconds(),
                report.rpo(),
                report.score(),
                report.restored(),
                view.error(),
                null,
                null);
        byte[] canonical = EvidenceSeal.canonical(CANONICAL.valueToTree(unsigned));
        return sealed(
                unsigned,
                EvidenceSeal.sha256(canonical),
                key.map(k -> EvidenceSeal.sign(k, canonical)).orElse(null));
    }

    /** SHA-256 (hex) of the pack's canonical JSON with {@code packSha256} and {@code signature} left out. */
    static String hash(EvidencePack pack) {
        return EvidenceSeal.sha256(EvidenceSeal.canonical(CANONICAL.valueToTree(pack)));
    }

    private static EvidencePack sealed(EvidencePack p, String sha256, EvidenceSeal.PackSignature signature) {
        return new EvidencePack(
                p.format(),
                p.generatedAt(),
                p.executionId(),
                p.temporalRunId(),
                p.status(),
                p.mode(),
                p.phase(),
                p.runbook(),
                p.scope(),
                p.incidentId(),
                p.startedBy(),
                p.approvedBy(),
                p.decisions(),
                p.steps(),
                p.phases(),
                p.objectives(),
                p.rtoSeconds(),
                p.rpo(),
                p.score(),
                p.restored(),
                p.error(),
                sha256,
                signature);
    }

    /** The plan's line: the step's first {@code running} transition that carries one. */
    private static String planned(List<EvidencePack.Transition> transitions) {
        return transitions.stream()
                .filter(t -> StepState.RUNNING.value().equals(t.state()) && t.detail() != null)
                .map(EvidencePack.Transition::detail)
                .findFirst()
                .orElse(null);
    }

    /** What the step reported when its failover part ended: the first transition after running that is not one. */
    private static String afterFailover(List<EvidencePack.Transition> transitions) {
        for (EvidencePack.Transition t : transitions) {
            if (List.of("applied", "passed", "unchanged", "failed", "done", "approved")
                    .contains(t.state())) {
                return t.state() + (t.detail() == null ? "" : ": " + t.detail());
            }
        }
        return null;
    }

    /** What its undo (or an explicit failback step) reported last. */
    private static String afterFailback(List<EvidencePack.Transition> transitions) {
        boolean undoing = false;
        String last = null;
        for (EvidencePack.Transition t : transitions) {
            if ("undoing".equals(t.state())) {
                undoing = true;
                continue;
            }
            if (undoing || List.of("failback-failed", "undo-failed").contains(t.state())) {
                last = t.state() + (t.detail() == null ? "" : ": " + t.detail());
            }
        }
        return last;
    }
}
