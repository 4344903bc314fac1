package io.baran.orchestrator.workflow;

import io.baran.events.ExecutionEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every journal entry, so tests can check the transitions an execution reported. */
public class RecordingJournal implements ExecutionJournal {

    public final List<ExecutionEvent> entries = new CopyOnWriteArrayList<>();

    @Override
    public void record(ExecutionEvent transition) {
        entries.add(transition);
    }

    @Override
    public void publish(ExecutionEvent transition) {
        entries.add(transition);
    }

    public List<String> phasesOf(String executionId) {
        return entries.stream()
                .filter(e -> e.executionId().equals(executionId) && e.step() == null)
                .sorted(java.util.Comparator.comparingLong(ExecutionEvent::seq))
                .map(ExecutionEvent::phase)
                .toList();
    }

    /** A step's transitions, as "state: detail", in order. */
    public List<String> detailsOf(String executionId, String step) {
        return entries.stream()
                .filter(e -> e.executionId().equals(executionId) && step.equals(e.step()))
                .sorted(java.util.Comparator.comparingLong(ExecutionEvent::seq))
                .map(e -> e.state() + ": " + e.detail())
                .toList();
    }
}
