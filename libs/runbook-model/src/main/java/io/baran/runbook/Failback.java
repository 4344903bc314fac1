package io.baran.runbook;

/**
 * How a failover is undone once the primary is back.
 *
 * @param onRecovered wait for the detector's {@code outage.recovered} before failing back
 * @param stableFor   how long the scope must stay healthy after recovery, as a duration text
 * @param approval    {@code none} or {@code required}
 * @param steps       {@code reverse}: undo every changing failover step, last first
 */
public record Failback(boolean onRecovered, String stableFor, String approval, String steps) {

    public static final Failback DEFAULT = new Failback(true, "0s", "required", "reverse");

    public Failback {
        stableFor = stableFor == null ? "0s" : stableFor;
        approval = approval == null ? "required" : approval;
        steps = steps == null ? "reverse" : steps;
    }
}
