package io.baran.orchestrator.readiness;

import io.baran.workflow.Phase;
import io.baran.workflow.StepState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A runbook's past drills and failovers, read from the transitions the orchestrator stores (table
 * {@code execution_event}): each one's RTO split, and the trend of its total. Pure: the rows come in, the history
 * goes out.
 */
public final class RunbookHistory {

    /** Step states that end a step's failover run successfully. */
    static final Set<String> STEP_DONE = Set.of(
            StepState.APPLIED.value(),
            StepState.PASSED.value(),
            StepState.UNCHANGED.value(),
            StepState.DONE.value(),
            StepState.APPROVED.value());

    private static final Set<String> WAITING_FOR_PEOPLE = Set.of(Phase.AWAITING_APPROVAL.value(), Phase.HELD.value());

    private RunbookHistory() {}

    /** One stored transition, as the history reads it. */
    public record Row(String executionId, String mode, String phase, String step, String state, Instant at) {}

    /**
     * @param executionId the execution
     * @param mode        {@code drill} or {@code failover}
     * @param startedAt   its first transition
     * @param phase       where it stands (its last phase)
     * @param rtoSeconds  execution start to failed over, split: {@code detect} (from when the outage began, as the
     *                    detectors saw it, to the execution's start; null for an execution no outage started),
     *                    {@code decide} (waiting for people), {@code execute} (the changing steps), {@code verify}
     *                    (the checks), {@code total} (from the execution's start; null when it never failed over)
     * @param steps       each step's time from running to done, in the order they ran
     */
    public record Entry(
            String executionId, String mode, String startedAt, String phase, Split rtoSeconds, List<StepTime> steps) {}

    public record Split(Double detect, double decide, double execute, double verify, Double total) {}

    public record StepTime(String step, double seconds) {}

    /**
     * How the total RTO moves: {@code improving}, {@code worsening} or {@code steady} (the median of the newer half
     * against the older half, beyond 10%), or {@code not-enough-history} (fewer than four that failed over).
     */
    public record Trend(String direction, int executions, Double olderMedianSeconds, Double recentMedianSeconds) {}

    /** Entries newest first, built from the rows of those executions (in any order). */
    public static List<Entry> entries(List<Row> rows, Set<String> checkSteps) {
        return entries(rows, checkSteps, Map.of());
    }

    /**
     * @param outageSince when the outage each execution answers began, by execution id (those an outage started)
     */
    public static List<Entry> entries(List<Row> rows, Set<String> checkSteps, Map<String, Instant> outageSince) {
        Map<String, List<Row>> byExecution = new LinkedHashMap<>();
        for (Row row : rows) {
            byExecution
                    .computeIfAbsent(row.executionId(), k -> new ArrayList<>())
                    .add(row);
        }
        List<Entry> out = new ArrayList<>();
        for (List<Row> transitions : byExecution.values()) {
            transitions.sort(Comparator.comparing(Row::at));
            out.add(entry(
                    transitions, checkSteps, outageSince.get(transitions.get(0).executionId())));
        }
        out.sort(Comparator.comparing(Entry::startedAt).reversed());
        return out;
    }

    private static Entry entry(List<Row> transitions, Set<String> checkSteps, Instant outageSince) {
        Row first = transitions.get(0);
        Instant start = first.at();
        Instant failedOver = null;
        long decide = 0;
        Instant waitingSince = null;
        Map<String, Instant> running = new LinkedHashMap<>();
        Map<String, Long> took = new LinkedHashMap<>();
        String phase = first.phase();
        for (Row row : transitions) {
            phase = row.phase();
            if (row.step() == null) {
                if (waitingSince != null) {
                    decide += row.at().toEpochMilli() - waitingSince.toEpochMilli();
                    waitingSince = null;
                }
                if (failedOver == null && WAITING_FOR_PEOPLE.contains(row.phase())) {
                    waitingSince = row.at();
                }
                if (failedOver == null && Phase.FAILED_OVER.value().equals(row.phase())) {
                    failedOver = row.at();
                }
                continue;
            }
            if (StepState.RUNNING.value().equals(row.state())) {
                running.putIfAbsent(row.step(), row.at());
            } else if (STEP_DONE.contains(row.state())
                    && running.containsKey(row.step())
                    && !took.containsKey(row.step())) {
                took.put(
                        row.step(),
                        row.at().toEpochMilli() - running.get(row.step()).toEpochMilli());
            }
        }
        long execute = 0;
        long verify = 0;
        List<StepTime> steps = new ArrayList<>();
        for (var e : took.entrySet()) {
            if (checkSteps.contains(e.getKey())) {
                verify += e.getValue();
            } else {
                execute += e.getValue();
            }
            steps.add(new StepTime(e.getKey(), seconds(e.getValue())));
        }
        Double total = failedOver == null ? null : seconds(failedOver.toEpochMilli() - start.toEpochMilli());
        return new Entry(
                first.executionId(),
                first.mode(),
                start.toString(),
                phase,
                new Split(
                        outageSince == null || outageSince.isAfter(start)
                                ? null
                                : seconds(start.toEpochMilli() - outageSince.toEpochMilli()),
                        seconds(decide),
                        seconds(execute),
                        seconds(verify),
                        total),
                steps);
    }

    /** The trend of the entries' totals (entries newest first, as {@link #entries} gives them). */
    public static Trend trend(List<Entry> newestFirst) {
        List<Double> totals = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            Double total = newestFirst.get(i).rtoSeconds().total();
            if (total != null) {
                totals.add(total);
            }
        }
        if (totals.size() < 4) {
            return new Trend("not-enough-history", totals.size(), null, null);
        }
        int half = totals.size() / 2;
        double older = Quantiles.of(totals.subList(0, half), 0.5);
        double recent = Quantiles.of(totals.subList(totals.size() - half, totals.size()), 0.5);
        String direction = recent < older * 0.9 ? "improving" : recent > older * 1.1 ? "worsening" : "steady";
        return new Trend(direction, totals.size(), older, recent);
    }

    static double seconds(long millis) {
        return millis / 1000.0;
    }
}
