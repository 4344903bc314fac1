package io.baran.detector.state;

import io.baran.detector.config.DetectorSettings;
import java.time.Instant;

/**
 * A target's flap penalty, after the manner of BGP route flap damping: every change between UP and DOWN adds a
 * fixed penalty that decays exponentially; above the suppress threshold the target is held DOWN, and it is
 * released only once the penalty has decayed below the (lower) reuse threshold, that is once it has been stable
 * for a while. The penalty is capped at twice the suppress threshold. Hysteresis alone stops single bad probes; this stops a target that crosses its thresholds again
 * and again from turning each crossing into an outage and a failback. Not thread-safe.
 */
public final class FlapDamping {

    private final DetectorSettings.Damping settings;
    private double penalty;
    private Instant updatedAt;
    private boolean suppressed;

    public FlapDamping(DetectorSettings.Damping settings) {
        this.settings = settings;
    }

    /** Records one change between UP and DOWN. */
    public void flapped(Instant at) {
        if (!settings.enabled()) {
            return;
        }
        // Capped, so that a target that flapped for an hour is released as soon after it settles as one that
        // flapped for a minute: at most log2(2 * suppress-above / reuse-below) half-lives of stability.
        penalty = Math.min(penalty(at) + settings.penalty(), 2 * settings.suppressAbove());
        updatedAt = at;
        if (penalty > settings.suppressAbove()) {
            suppressed = true;
        }
    }

    /** Whether the target is held DOWN at this moment; releases it once the penalty has decayed enough. */
    public boolean suppressed(Instant at) {
        if (suppressed && penalty(at) < settings.reuseBelow()) {
            suppressed = false;
        }
        return suppressed;
    }

    /** The penalty decayed to this moment. */
    public double penalty(Instant at) {
        if (updatedAt == null || penalty == 0) {
            return 0;
        }
        double elapsed = Math.max(0, at.toEpochMilli() - updatedAt.toEpochMilli());
        double decayed = penalty * Math.pow(0.5, elapsed / settings.halfLife().toMillis());
        return decayed < 1 ? 0 : decayed;
    }
}
