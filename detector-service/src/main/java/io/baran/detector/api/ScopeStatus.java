package io.baran.detector.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baran.detector.quorum.QuorumView;
import io.baran.detector.quorum.ScopeRecord;
import io.baran.detector.state.Health;
import io.baran.detector.state.HealthTracker;
import java.time.Instant;
import java.util.List;

/**
 * A scope as the REST API shows it.
 *
 * @param state        the quorum's decision when one is known here, otherwise this vantage's own view (see {@code decidedBy})
 * @param decidedBy    the aggregator that decided {@code state}; absent when it is this vantage's own view
 * @param incidentId   the open outage, only while DOWN
 * @param since        when the scope entered its state
 * @param confidence   share of the live vantages that agreed with the last decision
 * @param live         vantages whose verdict counts now (only on the instance that aggregates the scope)
 * @param required     how many of them must agree (idem)
 * @param votes        every vantage's latest verdict (idem)
 * @param vantage      this instance's own view of the scope and its vote; absent when it does not probe the scope
 * @param drill        the simulated outage in progress, if any
 * @param history      the latest decisions, newest last
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScopeStatus(
        String scope,
        Health state,
        String decidedBy,
        String incidentId,
        Instant since,
        Double confidence,
        Integer live,
        Integer required,
        List<QuorumView.VoteView> votes,
        HealthTracker.VantageScope vantage,
        ScopeRecord.Drill drill,
        List<ScopeRecord.Decision> history) {}
