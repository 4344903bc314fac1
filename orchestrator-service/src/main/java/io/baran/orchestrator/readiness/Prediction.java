package io.baran.orchestrator.readiness;

import io.baran.runbook.Durations;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The RTO a runbook would reach now, predicted from its past drills and failovers: the detection time, then each
 * step's p50 and p95 (the steps of a parallel group count as their slowest). The detection time is measured, p50 and
 * p95, from the past executions an outage started (failovers and game days: from when the detectors saw the outage
 * begin to the execution's start); with none of those in the history it is the configured one. The p95 adds up per-step p95s, so it
 * leans pessimistic. A {@code wait} never run before counts as its {@code for}; an {@code approval} counts as nothing
 * (people's time is the report's {@code decide}, not predicted). Without a past time for every step there is no prediction: {@code missing} names those steps.
 *
 * @param detectSeconds    the detectors' time to declare an outage: the p50 of the measured ones, or
 *                         {@code baran.readiness.detection}
 * @param detectP95Seconds the p95 of the measured ones, or {@code baran.readiness.detection}
 * @param detectFrom       {@code history} (measured from {@code detectSamples} outages) or {@code configuration}
 * @param p50Seconds    null without a past time for every step
 * @param p95Seconds    null without a past time for every step
 * @param executions    how many past drills and failovers it read
 */
public record Prediction(
        double detectSeconds,
        double detectP95Seconds,
        String detectFrom,
        int detectSamples,
        Double p50Seconds,
        Double p95Seconds,
        int executions,
        List<StepPrediction> steps,
        List<String> missing) {

    private static final String APPROVAL = "approval";
    private static final String WAIT = "wait";

    public record StepPrediction(String step, int samples, Double p50Seconds, Double p95Seconds) {}

    /**
     * Predicts from the history (newest first, as {@link RunbookHistory#entries} gives it).
     *
     * @param configuredDetectSeconds the detection time when no past execution measured one
     */
    public static Prediction of(Runbook runbook, List<RunbookHistory.Entry> history, double configuredDetectSeconds) {
        List<Double> detections = history.stream()
                .map(e -> e.rtoSeconds().detect())
                .filter(java.util.Objects::nonNull)
                .toList();
        double detectSeconds = detections.isEmpty() ? configuredDetectSeconds : Quantiles.of(detections, 0.5);
        double detectP95Seconds = detections.isEmpty() ? configuredDetectSeconds : Quantiles.of(detections, 0.95);
        Map<String, List<Double>> samples = new HashMap<>();
        for (RunbookHistory.Entry entry : history) {
            for (RunbookHistory.StepTime time : entry.steps()) {
                samples.computeIfAbsent(time.step(), k -> new ArrayList<>()).add(time.seconds());
            }
        }
        List<StepPrediction> steps = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        double p50 = detectSeconds;
        double p95 = detectP95Seconds;
        for (Step top : runbook.failover()) {
            // Parallel groups cannot nest (the model refuses it): a group's children are actions.
            List<Step> group = top.isParallel() ? top.parallel() : List.of(top);
            double groupP50 = 0;
            double groupP95 = 0;
            for (Step step : group) {
                List<Double> times = samples.getOrDefault(step.name(), List.of());
                if (times.isEmpty() && APPROVAL.equals(step.action())) {
                    // A person's decision takes what it takes: it is the report's "decide", not a predicted step.
                    continue;
                }
                if (times.isEmpty() && WAIT.equals(step.action()) && step.with().get("for") != null) {
                    times = List.of(
                            Durations.parse(step.with().get("for").toString()).toMillis() / 1000.0);
                }
                if (times.isEmpty()) {
                    missing.add(step.name());
                    steps.add(new StepPrediction(step.name(), 0, null, null));
                    continue;
                }
                double s50 = Quantiles.of(times, 0.5);
                double s95 = Quantiles.of(times, 0.95);
                steps.add(new StepPrediction(step.name(), times.size(), s50, s95));
                groupP50 = Math.max(groupP50, s50);
                groupP95 = Math.max(groupP95, s95);
            }
            p50 += groupP50;
            p95 += groupP95;
        }
        boolean complete = missing.isEmpty();
        return new Prediction(
                round(detectSeconds),
                round(detectP95Seconds),
                detections.isEmpty() ? "configuration" : "history",
                detections.size(),
                complete ? round(p50) : null,
                complete ? round(p95) : null,
                history.size(),
                steps,
                missing);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
