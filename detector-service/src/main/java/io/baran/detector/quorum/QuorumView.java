package io.baran.detector.quorum;

import io.baran.detector.state.Health;
import java.time.Instant;
import java.util.List;

/**
 * A scope as the aggregator that owns it sees it: the decision, and every vantage's latest verdict.
 *
 * @param live     vantages whose verdict is recent enough to count
 * @param required how many of them must agree for a decision
 */
public record QuorumView(String scope, ScopeRecord record, List<VoteView> votes, int live, int required) {

    /**
     * One vantage's latest verdict.
     *
     * @param seenAt when Kafka took it
     * @param live   recent enough to count; an expired vantage counts as unknown
     */
    public record VoteView(
            String vantage, Health verdict, boolean isolated, Instant since, Instant seenAt, boolean live) {}
}
