package io.baran.detector.quorum;

import java.time.Duration;

/**
 * How many vantages must agree: more than {@code ratio} of the live ones, and at least {@code minVotes}. A ratio of
 * at least one half means UP and DOWN can never both reach it. Vantages that are live but abstain count in the
 * total, so an isolated vantage makes a decision harder, never easier.
 *
 * @param expiry a vantage whose last verdict is older than this is not live: it counts as unknown, not as a vote
 */
public record QuorumRule(int minVotes, double ratio, Duration expiry) {

    public QuorumRule {
        if (minVotes < 1 || !(ratio >= 0.5 && ratio < 1)) {
            throw new IllegalArgumentException(
                    "min votes must be at least 1 and the ratio within [0.5, 1), got " + minVotes + " and " + ratio);
        }
    }

    public int required(int live) {
        return Math.max(minVotes, (int) Math.floor(ratio * live + 1e-9) + 1);
    }
}
