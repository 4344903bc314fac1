package io.baran.detector.state;

import io.baran.events.OutageEvent;
import java.time.Instant;
import java.util.Optional;

/**
 * A scope changed state.
 *
 * @param incidentId the outage this change starts (to DOWN) or ends (DOWN to UP); null when no outage is involved
 */
public record ScopeChange(String scope, Health from, Health to, Instant at, String incidentId) {

    /** The event this change is published as: an outage starts on any move to DOWN and ends on DOWN to UP. */
    public Optional<String> eventType() {
        if (to == Health.DOWN) {
            return Optional.of(OutageEvent.DETECTED);
        }
        if (from == Health.DOWN && to == Health.UP) {
            return Optional.of(OutageEvent.RECOVERED);
        }
        return Optional.empty();
    }
}
