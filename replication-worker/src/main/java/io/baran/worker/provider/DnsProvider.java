package io.baran.worker.provider;

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
     * Changes the record set from {@code expected} to {@code desired} (either may be absent), and returns
     * once the provider's servers serve it. Where the provider can make the change conditional, it does,
     * and fails (PlanUnsafe) when the record set is no longer as expected.
     */
    void replace(DnsZone zone, String fqdn, RecordType type, RecordState expected, RecordState desired);
}
