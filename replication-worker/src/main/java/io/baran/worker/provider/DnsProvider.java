package io.baran.worker.provider;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The DNS capability of one configured provider. Every method fails with an activity failure carrying a
 * {@link io.baran.workflow.FailureTypes} type, mapped from the provider's own errors in one place per
 * provider.
 */
public interface DnsProvider {

    /** The name the worker's configuration gives this provider. */
    String name();

    /** Where the API this provider calls is served from. */
    ControlPlane controlPlane();

    /** Finds a zone by its fully qualified name; fails (ProviderRejected) when the provider does not serve it. */
    DnsZone zone(String fqdn);

    /** The simple record set of that name and type, or {@link RecordState#absent()}. */
    RecordState observe(DnsZone zone, String fqdn, RecordType type);

    /**
     * The record set as a plan sees it: {@link #observe}, or, where the provider keeps a recent listing of the zone, as
     * that listing found it when it is at most a few seconds old and this worker has not changed the record since. A
     * plan's observation is the state its change expects; a provider answering from a listing checks the record afresh
     * before changing it ({@link #replaceIfStill}), so an older answer can refuse a change, never make a wrong one.
     */
    default RecordState observeForPlan(DnsZone zone, String fqdn, RecordType type) {
        return observe(zone, fqdn, type);
    }

    /**
     * Changes the record set from {@code expected} to {@code desired} (either may be absent), and returns
     * once the provider's servers serve it. Where the provider can make the change conditional, it does,
     * and fails (PlanUnsafe) when the record set is no longer as expected.
     */
    void replace(DnsZone zone, String fqdn, RecordType type, RecordState expected, RecordState desired);

    /**
     * For a provider whose {@link #replace} itself observes the record just before changing it (Route 53's zone batches
     * do): changes it only when it is still {@code expected}, leaves it when it is already {@code desired}, refuses
     * (PlanUnsafe) any other state, and says whether it changed it. Null when the provider does not check, and the step
     * observes and compares first. Saves the step's own read of the record: during a mass failover, a read per step.
     */
    default Boolean replaceIfStill(
            DnsZone zone, String fqdn, RecordType type, RecordState expected, RecordState desired) {
        return null;
    }

    /**
     * For a provider whose changes observe the record just before they are made (Route 53's zone batches): the step is
     * planned from that observation. {@code planned} is told the state found the first time the change is prepared,
     * and must make its plan known before it returns (it may refuse by throwing: nothing is changed then); the record
     * is then moved from that state to {@code desired}, as {@link #replaceIfStill} does (a change prepared again, after a
     * batch refused as a whole, checks the record against the state first found). Says whether it changed the record;
     * null when the provider does not do this, and the step plans, records and applies in three moves.
     */
    default Boolean planAndReplace(
            DnsZone zone, String fqdn, RecordType type, RecordState desired, Consumer<RecordState> planned) {
        return null;
    }

    /**
     * The zone's quota of record sets and how many it holds, as the provider's API reports them; empty for a provider
     * whose API reports none. Reads only. Fails as every call does (a permission missing, an API that does not answer
     * the call), and readiness then names the quota as not checked.
     */
    default Optional<Quota> recordSetQuota(DnsZone zone) {
        return Optional.empty();
    }
}
