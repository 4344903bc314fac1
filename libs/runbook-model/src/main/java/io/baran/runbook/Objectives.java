package io.baran.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code spec.objectives}: the recovery targets the runbook is measured against. Readiness compares the predicted
 * recovery time and the measured replication lag with them; reports and evidence score executions against them.
 *
 * @param rto recovery time objective as a duration text ({@code 5m}): outage start to service restored; null when
 *            the runbook sets none
 * @param rpo recovery point objective as a duration text ({@code 1m}): the data an outage may lose, read as the
 *            largest replication lag; null when the runbook sets none
 *            <p>An objective not set is left out of the JSON, so a runbook without any reads {@code "objectives": {}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Objectives(String rto, String rpo) {

    /** A runbook without {@code spec.objectives}. */
    public static final Objectives NONE = new Objectives(null, null);

    /** The recovery time objective, when the runbook sets one. */
    @JsonIgnore
    public Optional<Duration> rtoDuration() {
        return Optional.ofNullable(rto).map(Durations::parse);
    }

    /** The recovery point objective, when the runbook sets one. */
    @JsonIgnore
    public Optional<Duration> rpoDuration() {
        return Optional.ofNullable(rpo).map(Durations::parse);
    }

    /** Whether the runbook sets any objective. */
    @JsonIgnore
    public boolean isEmpty() {
        return rto == null && rpo == null;
    }
}
