package io.baran.worker.provider;

/**
 * What a database provider that declares {@link Capability#DATABASE_SWITCHOVER} offers besides
 * {@link DatabaseProvider}: the members of a replicated database and which of them is primary, and a planned
 * switchover that makes another member primary without losing data, which a second switchover reverses.
 */
public interface DatabaseSwitchover {

    /**
     * The topology the instance belongs to: its primary and the members that can take the primary role.
     * Fails (ProviderRejected) when the provider has no such instance, or (CapabilityMissing) when the instance
     * belongs to nothing that can switch over, saying why.
     */
    Topology observeTopology(String instance);

    /**
     * The name the topology gives the member a runbook names, e.g. the cluster name of an Aurora cluster ARN;
     * the instance itself by default.
     */
    default String memberName(String instance) {
        return instance;
    }

    /**
     * Makes {@code target} the primary and the current primary its replica, and returns once the provider
     * reports the new roles (polling, heartbeating, at most the provider's time-out, past which it fails
     * retryably). Idempotent: a target already primary needs nothing, and a switchover to it already under way
     * is only waited for. Fails (PlanUnsafe) when the topology is no longer {@code expected}, e.g. a switchover
     * to another member is under way.
     */
    void switchover(String target, Topology expected);

    /**
     * Waits until no switchover or failover of the instance's topology is under way (one an earlier attempt of the step
     * asked for goes on at the provider after the attempt gave up), bounded by the provider's time-out, past which it
     * fails retryably; returns what it waited for, or null when nothing was under way. An undo acts on where it ends:
     * it never reads the old primary, still primary while the switchover runs, as "nothing to switch back".
     */
    default String settleTopology(String instance) {
        return null;
    }
}
