package io.baran.orchestrator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** An unsigned pack: its hash is taken of everything but {@code packSha256}. */
    static final String FORMAT = "baran-evidence/1";
    /** A signed pack: its hash and signature are taken of everything but {@code packSha256} and {@code signature}. */
    static final String FORMAT_SIGNED = "baran-evidence/2";

    private EvidencePacks() {}

    /**
     * @param runbook the runbook version the execution ran, as stored; empty when it cannot be read
     * @param events  the execution's transitions from the audit trail, oldest first
     * @param key     the orchestrator's evidence key; empty: the pack is not signed
     * @param served  the mapper that writes the pack as the API serves it: what is hashed and signed is that JSON, read
     *                back, as a verifier reads it
     */
    static EvidencePack of(
            ExecutionView view,
            ReportView report,
            String runId,
            Optional<Runbook> runbook,
            List<ExecutionEvent> events,
            Instant now,
            Optional<SigningKey> key,
            ObjectMapper served) {
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
                key.isPresent() ? FORMAT_SIGNED : FORMAT,
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
        byte[] canonical;
        try {
            canonical = EvidenceSeal.canonical(EvidenceSeal.read(served.writeValueAsString(unsigned)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the evidence pack", e);
        }
        return sealed(
                unsigned,
                EvidenceSeal.sha256(canonical),
                key.map(k -> EvidenceSeal.sign(k, canonical)).orElse(null));
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
