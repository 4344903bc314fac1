package io.baran.detector.quorum;

import io.baran.detector.state.Health;
import io.baran.events.OutageEvent;
import java.time.Instant;
import java.util.List;

/**
 * One vantage point's verdict on one scope, as it travels on the verdicts topic: sent at once when it changes and
 * repeated as a heartbeat, so that the aggregator can tell a live vantage from one that stopped.
 *
 * @param verdict    UP, DOWN, or UNKNOWN when the vantage has no opinion (still settling, or isolated)
 * @param isolated   the vantage abstains because it cannot tell its own network failing from the scope failing
 * @param since      when the vantage came to this verdict
 * @param incidentId while DOWN, the outage as this vantage names it ({@code <scope>@<millis>})
 * @param at         when the vantage sent it
 * @param change     sent because the verdict changed, rather than as a heartbeat
 * @param targets    the targets of the scope and what each last saw
 */
public record VantageVerdict(
        String vantage,
        String scope,
        Health verdict,
        boolean isolated,
        Instant since,
        String incidentId,
        Instant at,
        boolean change,
        List<OutageEvent.TargetVerdict> targets) {

    public static final String TYPE = "io.baran.vantage.verdict";

    public VantageVerdict {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** The same verdict sent again at another time. */
    public VantageVerdict repeatedAt(Instant when) {
        return new VantageVerdict(vantage, scope, verdict, isolated, since, incidentId, when, false, targets);
    }
}
