package io.baran.worker.provider;

/**
 * The database-replica capability of one configured provider: promote a replica, and fence the primary it
 * replicated from so two primaries never both take writes.
 */
public interface DatabaseProvider {

    String name();

    /** Where the API that promotes this instance is served from. */
    ControlPlane controlPlane(String instance);

    /** The replica's role and, where the provider can see it, whether its primary takes writes. */
    ReplicaState observe(String instance);

    /**
     * Makes the instance's primary refuse writes, ends the transactions in flight there, and waits until
     * the replica has replayed everything the primary wrote. Idempotent. Only called when the provider
     * declares {@link Capability#DATABASE_FENCE}.
     */
    void fence(String instance);

    /** Puts the primary's write setting back as {@code observed} recorded it. */
    void unfence(String instance, ReplicaState observed);

    /** Promotes the replica and returns once it accepts writes. Idempotent. */
    void promote(String instance);
}
