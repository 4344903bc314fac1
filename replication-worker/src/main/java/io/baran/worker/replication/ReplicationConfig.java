package io.baran.worker.replication;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Object replication between stores: which pairs, and the stores they name that are not providers of
 * {@code baran.providers} (whose {@code aws} and {@code filesystem} providers can be named directly).
 *
 * <pre>
 * baran.replication.pairs."shop-assets".source=aws-main:s3://shop-assets
 * baran.replication.pairs."shop-assets".replicas=gcp-dr:gs://shop-assets,onprem:file://shop-assets
 * baran.replication.stores."gcp-dr".type=gcs
 * </pre>
 */
@ConfigMapping(prefix = "baran.replication")
public interface ReplicationConfig {

    /**
     * Whether this worker runs the pairs' passes. With {@code lock=local} exactly one worker of a deployment should
     * (the others set false); with {@code lock=postgresql} any number may, one at a time per pair.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * How the worker replicas that run passes share the pairs: local (no coordination: right for one replica) or
     * postgresql (a session-level advisory lock per pair, in the database of {@code baran.api-budget.jdbc-url} /
     * {@code .user} / {@code .password-env}, held for the pass: one replica runs a pair's pass at a time, and another
     * takes over when it dies). With postgresql, {@code data-dir} must be a directory every replica shares (e.g. a
     * ReadWriteMany volume), so that the replica taking over reads the ledgers of the one before.
     */
    @WithDefault("local")
    String lock();

    /** Where each pair keeps its ledger (what was copied, uploads under way), so a restarted worker resumes. */
    @WithDefault("data/replication")
    String dataDir();

    /** Objects copied at once, across every pair. */
    @WithDefault("8")
    int concurrency();

    /** Bytes per part of a multipart upload, and the largest object sent in one request; at least 5M (S3's smallest part). */
    @WithDefault("8M")
    @WithConverter(MemorySizeConverter.class)
    MemorySize partSize();

    /** Part buffers in memory at once, across every pair: object bytes held never exceed buffers × part-size. */
    @WithDefault("16")
    int buffers();

    /**
     * How long a failover (REST, or a {@code storage.failover} step) waits for the writes that are making a copy or
     * deletion visible at the replica at that moment; past it the replica is not failed over and the answer says so
     * (retry). Copies still reading or sending parts do not hold a failover: they are abandoned before they become
     * visible. With {@code lock=postgresql} a failover, failback or conflict resolution also waits this long for the
     * pair's pass lock while another worker replica runs a pass of the pair.
     */
    @WithDefault("1m")
    Duration failoverWait();

    /**
     * How many people a replication failover, failback or conflict resolution through the API takes: 2, a failover
     * operator asks and another confirms ({@link TwoPersonRule}); 1, one failover operator acts alone. An admin may
     * act alone with a reason either way.
     */
    @WithDefault("2")
    int confirmations();

    /** Object stores by name, besides the providers of {@code baran.providers}; none by default. */
    Map<String, Store> stores();

    /** Replication pairs by name; none by default. */
    Map<String, Pair> pairs();

    interface Store {
        /** s3, gcs, azure or filesystem. Required. */
        String type();

        /** s3, gcs, azure: an endpoint override (moto, fake-gcs-server, Azurite); for Azure, the account's blob endpoint. */
        Optional<URI> endpoint();

        /** s3: the region of its buckets. */
        @WithDefault("us-east-1")
        String region();

        /** gcs: the project; from the environment's credentials when absent. */
        Optional<String> project();

        /** azure: the storage account's name. */
        Optional<String> account();

        /** azure: the environment variable holding the account key, e.g. BARAN_AZURE_DR_KEY. */
        Optional<String> accountKeyEnv();

        /** filesystem: the directory holding one directory per bucket. */
        Optional<String> root();
    }

    interface Pair {
        /** Where objects are copied from, e.g. {@code aws-main:s3://shop-assets}. Required. */
        String source();

        /** Where they are copied to, one or more, e.g. {@code gcp-dr:gs://shop-assets}. Required. */
        List<String> replicas();

        /** Only keys starting with this (relative to the source location) are replicated; every key when absent. */
        Optional<String> prefix();

        /** mirror (deletions propagate) or archive (they do not). */
        @WithDefault("mirror")
        String mode();

        /** Time between the end of a pass and the start of the next. */
        @WithDefault("30s")
        Duration interval();

        /**
         * Mirror mode: a pass that would delete more than this percentage of a replica's objects (when it holds at
         * least 10) deletes none and reports it, so an emptied source does not empty its replica; failback's deletions
         * at the source are judged the same way. Exactly the percentage is allowed; 100 turns it off.
         */
        @WithDefault("50")
        int maxDeletePercent();

        /**
         * How long after a failback writes still reaching the replica (clients that cached its address, until the DNS
         * TTL is over) are copied back to the source by forward passes: a key the source does not have, or has not
         * changed since Baran copied it, goes to the source; one the source changed too is a conflict. Without it a
         * mirror pass deletes a new key written there. Judged by when the store says the object was written (from the
         * failover on, less a minute for clocks). {@code 0s}: only failback copies back.
         */
        @WithDefault("1h")
        Duration lateWriteWindow();

        /**
         * Change notifications of the source, which copy a change soon after it is made (passes still run, and catch
         * what notifications miss): {@code watch} for a {@code filesystem} provider's directory; for an {@code aws}
         * provider's bucket, the URL of the SQS queue its S3 event notifications are delivered to; for a {@code gcp}
         * provider's bucket, the Pub/Sub subscription ({@code projects/<p>/subscriptions/<s>}, or its id) of the topic
         * its notifications are published to; for an {@code azure} provider's container, the storage queue Event Grid
         * delivers its Blob Storage events to ({@code azure-queue:<name>}, or the queue's URL). Passes only when absent.
         */
        Optional<String> notifications();
    }
}
