package io.baran.events;

import java.time.Instant;
import java.util.List;

/**
 * The payload of {@code io.baran.outage.detected} and {@code io.baran.outage.recovered}.
 *
 * @param scope      what is down or back, e.g. {@code aws/us-east-1/s3} or {@code local/demo/web}
 * @param incidentId stable for one outage: the recovered event carries the id of the outage it ends
 * @param vantage    the detector instance that decided
 * @param since      when the scope changed state, as seen by the detector
 * @param targets    the targets behind the verdict and what each last saw
 * @param drill      true when the outage was simulated, never for a real one
 */
public record OutageEvent(
        String scope,
        String incidentId,
        String vantage,
        Instant since,
        List<TargetVerdict> targets,
        boolean drill) {

    public static final String DETECTED = "io.baran.outage.detected";
    public static final String RECOVERED = "io.baran.outage.recovered";

    public OutageEvent {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** One probed target's view at the time of the verdict. */
    public record TargetVerdict(String name, boolean up, String lastResult) {
    }
}
