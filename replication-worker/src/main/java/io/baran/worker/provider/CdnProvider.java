package io.baran.worker.provider;

/** The CDN capability of one configured provider: the cache TTLs of a distribution's behaviours. */
public interface CdnProvider {

    String name();

    ControlPlane controlPlane();

    /** Every cache behaviour of the distribution with its TTLs; fails (ProviderRejected) when there is no such distribution. */
    CacheTtls observe(String distribution);

    /**
     * Sets the behaviours' TTLs from {@code expected} to {@code desired}, leaving every other setting of the
     * distribution as it is. Fails (PlanUnsafe) when the TTLs are no longer as expected.
     */
    void replace(String distribution, CacheTtls expected, CacheTtls desired);
}
