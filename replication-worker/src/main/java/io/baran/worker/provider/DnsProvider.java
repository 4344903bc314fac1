package io.baran.worker.provider;

import java.util.List;

/**
 * The DNS capability of one configured provider. Every method fails with an activity failure carrying a
 * {@link io.baran.workflow.FailureTypes} type, mapped from the provider's own errors in one place per
 * provider.
 */
public interface DnsProvider {

    /** The name the worker's configuration gives this provider. */
    String name();

    /** Finds a hosted zone by its fully qualified name; fails (ProviderRejected) when there is none. */
    DnsZone zone(String fqdn);

    /** The simple record set of that name and type, or {@link RecordState#absent()}. */
    RecordState observe(DnsZone zone, String fqdn, RecordType type);

    /** Creates or replaces the record set, and returns once the provider's servers serve it. */
    void upsert(DnsZone zone, String fqdn, RecordType type, List<String> values, long ttl);

    /** Deletes the record set, which must currently hold exactly these values and TTL. */
    void delete(DnsZone zone, String fqdn, RecordType type, List<String> values, long ttl);
}
