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

    /**
     * Fences the old primary of an instance that is primary already: promoted by an earlier attempt of the step while
     * the old primary could not be reached, which answers again and takes writes. As {@link #fence}, but without
     * waiting for the instance to replay what the old primary wrote: a promoted instance replays nothing more, so what
     * the old primary wrote after the promotion is not on the new primary and never will be. Returns that, as a phrase
     * for the step's outcome (what the old primary holds that the new primary lacks, as far as the provider can
     * tell). Idempotent. Only called when the provider declares {@link Capability#DATABASE_FENCE}; one whose
     * {@link #fence} waits for the replica overrides it.
     */
    default String fenceAfterPromotion(String instance) {
        fence(instance);
        return "what it took after the promotion is not on the new primary and cannot be replayed there";
    }

    /** Puts the primary's write setting back as {@code observed} recorded it. */
    void unfence(String instance, ReplicaState observed);

    /** Promotes the replica and returns once it accepts writes. Idempotent. */
    void promote(String instance);

    /**
     * Waits until a change the provider carries out in the background on the instance has ended, so that a step acts on
     * where it ends: a promotion an earlier attempt of the step asked for goes on at the provider after that attempt
     * timed out (RDS and Cloud SQL answer at once and promote for minutes), and a replica about to become primary must
     * neither be asked again (refused as busy) nor be read as "not promoted, nothing to undo". Returns what it waited
     * for, as a phrase for the step's outcome, or null when nothing was under way. Still under way after the provider's
     * promote timeout: fails retryably (ProviderUnavailable), naming it. Providers that promote before they answer
     * keep this default.
     */
    default String settle(String instance) {
        return null;
    }
}
