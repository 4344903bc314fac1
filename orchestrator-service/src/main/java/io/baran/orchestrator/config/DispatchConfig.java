package io.baran.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/** How an outage event becomes executions: how many starts at once, and the blast-radius guard. */
@ConfigMapping(prefix = "baran.dispatch")
public interface DispatchConfig {

    /**
     * How many executions one outage event starts (or joins) at once. Each start is one round trip to Temporal, each
     * join waits for the joined execution's answer (one of its workflow tasks: see {@link #joinWait}); the starts and
     * joins of one event run on this many threads, tier 1 first, and the event is acknowledged once all are done.
     */
    @WithDefault("32")
    int concurrency();

    /**
     * How long an orchestrator that is shutting down waits for the starts of a dispatch already sent to Temporal. The
     * starts still queued are not sent: their claims are let go and the outage event is not acknowledged, so it is
     * delivered again (to another replica, or after the restart) and its redelivery starts them.
     */
    @WithDefault("10s")
    Duration shutdownGrace();

    /**
     * How long an outage waits for the execution it joins to say whether it takes the outage (a worker runs the
     * execution's workflow task). One that does not answer in time (no orchestrator worker running, all of them busy) is
     * told by signal instead, which it acts on once a worker runs it, but which an execution that is ending drops.
     */
    @WithDefault("5s")
    Duration joinWait();

    /** How many runbooks' dispatch claims are written in one database transaction. */
    @WithDefault("200")
    int claimBatch();

    BlastRadius blastRadius();

    /** Watching the joins whose outcome the dispatch could not wait for ({@code deferred_join}). */
    JoinSweep joinSweep();

    /**
     * The most executions that may change things through one provider at once ({@code baran.dispatch.provider-cap."aws-prod"=50},
     * provider names as in {@code spec.failover[].with.provider}); a provider without an entry has no cap. An execution
     * takes a slot of each capped provider its steps use before its first step (and again before failing back), and
     * waits in phase {@code queued} while one is taken, tier 1 first; it gives them back once failed over (or failed back).
     */
    @WithName("provider-cap")
    Map<String, Integer> providerCap();

    /** How often a queued execution asks again for its provider slots. */
    @WithDefault("2s")
    Duration slotPoll();

    /**
     * An outage told by signal to the execution of its service (no worker answered the join in time), or refused by one
     * that was ending and had not ended within the dispatcher's wait, is recorded and watched: once the execution has
     * ended without taking it, the outage is dispatched again for the service, as long as it has not recovered.
     */
    interface JoinSweep {

        /** How often each orchestrator instance looks at the deferred joins. 0: never (an outage may then be dropped). */
        @WithDefault("5s")
        Duration every();

        /**
         * A deferred join of an outage detected longer ago than this starts nothing (named in the log): the outage's
         * state is no longer known well enough to move traffic for it.
         */
        @WithDefault("1h")
        Duration maxAge();
    }

    /**
     * Holds automatic failovers for a person's approval when too much goes down at once: a detector fault (a probe
     * misconfigured, a vantage cut off) looks like an outage of everything. Executions still start, but wait before
     * their first step at the approval gate, whose reason names the count.
     */
    interface BlastRadius {

        /** Off: automatic failovers never wait for the guard. */
        @WithDefault("true")
        boolean enabled();

        /**
         * Trips when more than this share of the protected services (runbooks with an outage trigger, counted by
         * {@code spec.protects}) are down at once.
         */
        @WithDefault("0.5")
        double maxShare();

        /** Trips when more than this many scopes are down at once; unset: scopes are not counted. */
        OptionalInt maxScopes();

        /**
         * The share is looked at only once at least this many services are down at once, so a small catalog (two
         * runbooks, one down) is not held for every outage.
         */
        @WithDefault("10")
        int minServices();

        /** Outages detected within this window and not recovered count as "at once". */
        @WithDefault("15m")
        Duration window();

        /** How long a held execution waits for its approval; nobody deciding ends it without changing anything. */
        @WithDefault("1h")
        Duration approvalTimeout();
    }
}
