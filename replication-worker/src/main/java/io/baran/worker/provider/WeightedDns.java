package io.baran.worker.provider;

/**
 * What a DNS provider that declares {@link Capability#DNS_ROUTING_POLICIES} offers besides
 * {@link DnsProvider}: the weights of the record sets of a weighted set, and changing them together.
 */
public interface WeightedDns {

    /**
     * The weight of every record set of that name and type, by set identifier; empty when there is none.
     * Fails (CapabilityMissing) when a record set of that name and type is not weighted (simple, latency,
     * failover, geo, or an alias), saying which.
     */
    RecordWeights observeWeights(DnsZone zone, String fqdn, RecordType type);

    /**
     * Sets the weights of the named record sets from {@code expected} to {@code desired} in one change,
     * leaving everything else of each record set as it is, and returns once the provider's servers serve
     * it. Fails (PlanUnsafe) when the weights are no longer as expected.
     */
    void replaceWeights(DnsZone zone, String fqdn, RecordType type, RecordWeights expected, RecordWeights desired);
}
