package io.baran.worker.replication;

import io.baran.worker.provider.store.ChangeFeed;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Turns the change notifications of a pair's source into targeted copies: the keys notified are gathered for a
 * moment (a file written in several steps, a burst of events, are one copy) and then copied to each replica
 * ({@link Replicator#copyNow}), one batch at a time. A notification is settled once every replica has recorded its
 * keys in its ledger (or had nothing to do for them): only then does a queue-backed feed acknowledge the message, so
 * one whose change a failure or a crash kept from being recorded is delivered again. A notification only speeds
 * things up: the passes still run, catch whatever was missed, and alone decide deletions and the lag.
 *
 * <p>Where worker replicas share a pair ({@code baran.replication.lock=postgresql}), each batch is copied under the
 * pair's pass lock, from the shared ledgers as read again ({@link Exclusive}): never beside another replica's pass or
 * copy. A batch that cannot have the lock within {@link Exclusive#WAIT} is handed back to the feed (delivered again,
 * or left to the passes for a directory's events), its change not recorded.
 */
final class ChangeNotifications implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeNotifications.class);
    /** How long notified keys are gathered before they are copied. */
    static final long GATHER_MILLIS = 300;

    private record Notice(Set<String> keys, ChangeFeed.Settlement settlement) {}

    /** How a batch gets the pair to itself: at once with one worker replica, under the pair's pass lock with several. */
    interface Exclusive {
        /** How long a batch waits for the pass lock another replica holds before it is handed back. */
        java.time.Duration WAIT = java.time.Duration.ofSeconds(5);

        /** One worker replica: the replicator's own lock serialises copies with its passes. */
        Exclusive NONE = copy -> {
            copy.run();
            return true;
        };

        /**
         * Runs {@code copy} with the pair to itself; false, running nothing, when another replica kept it (or the
         * lock's database did not answer) for {@link #WAIT}.
         */
        boolean run(Copy copy) throws InterruptedException;
    }

    /** A batch's copies. */
    interface Copy {
        void run() throws InterruptedException;
    }

    private final String pair;
    private final Location source;
    private final List<Replicator> replicas;
    private final ChangeFeed feed;
    private final Exclusive exclusive;
    /**
     * Notices waiting for the next batch, by the feed's message id (a message delivered again while its earlier delivery
     * waits replaces it) or, for a notice without one, by the notice itself; at most {@link #MAX_PENDING}.
     */
    private final java.util.LinkedHashMap<Object, Notice> pending = new java.util.LinkedHashMap<>();

    private final AtomicLong shed = new AtomicLong();
    private final ScheduledExecutorService copier;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();

    ChangeNotifications(String pair, Location source, List<Replicator> replicas, ChangeFeed feed) {
        this(pair, source, replicas, feed, Exclusive.NONE);
    }

    ChangeNotifications(String pair, Location source, List<Replicator> replicas, ChangeFeed feed, Exclusive exclusive) {
        this.pair = pair;
        this.exclusive = exclusive;
        this.source = source;
        this.replicas = List.copyOf(replicas);
        this.feed = feed;
        this.copier = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "baran-notified-" + ReplicationService.safe(pair));
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        feed.start(this::changed);
        copier.scheduleWithFixedDelay(this::copyPending, GATHER_MILLIS, GATHER_MILLIS, TimeUnit.MILLISECONDS);
        LOG.infof("replication pair %s: change notifications on (%s)", pair, feed.describe());
    }

    private void changed(Collection<String> keys, ChangeFeed.Settlement settlement) {
        received.incrementAndGet();
        Set<String> relative = new HashSet<>();
        for (String key : keys) {
            String r = source.relative(key);
            if (r != null && !r.isEmpty()) {
                relative.add(r);
            }
        }
        if (relative.isEmpty()) {
            // Another folder's, another bucket's, or nothing readable: nothing to record.
            settle(settlement, true);
            return;
        }
        Notice notice = new Notice(relative, settlement);
        Object id = settlement.message() == null ? notice : settlement.message();
        synchronized (pending) {
            if (pending.containsKey(id) || pending.size() < MAX_PENDING) {
                pending.put(id, notice); // a delivery again replaces the earlier one, settled no more
                return;
            }
        }
        // A long pass holds the copies back while the feed goes on: beyond the bound, handed back to be delivered again
        // later (the passes copy the change in any case), so memory stays bounded.
        if (shed.getAndIncrement() % MAX_PENDING == 0) {
            LOG.infof(
                    "pair %s: %d notifications wait for the copies held back by a pass; later ones are handed back to"
                            + " be delivered again (%d so far)",
                    pair, MAX_PENDING, shed.get());
        }
        settle(settlement, false);
    }

    /** How many notifications wait for copies at most; those beyond are handed back to the feed. */
    static final int MAX_PENDING = 10_000;

    /** Notifications waiting for the next batch. */
    int pending() {
        synchronized (pending) {
            return pending.size();
        }
    }

    private void copyPending() {
        List<Notice> batch;
        synchronized (pending) {
            if (pending.isEmpty()) {
                return;
            }
            batch = List.copyOf(pending.values());
            pending.clear();
        }
        Set<String> keys = new HashSet<>();
        batch.forEach(n -> keys.addAll(n.keys()));
        Set<String> failed = new HashSet<>();
        boolean copied;
        try {
            copied = exclusive.run(() -> copyToEach(keys, failed));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            batch.forEach(n -> settle(n.settlement(), false));
            return;
        } catch (RuntimeException e) {
            // The shared ledgers did not read, say: handed back, and this task keeps running for the next batches.
            LOG.warnf(
                    e,
                    "pair %s: %d notified keys not copied; handed back to be delivered again (the passes copy them too)",
                    pair,
                    keys.size());
            batch.forEach(n -> settle(n.settlement(), false));
            return;
        } catch (Error e) {
            // Handed back all the same, and said, before the copier stops with it.
            LOG.errorf(e, "pair %s: %d notified keys not copied; handed back", pair, keys.size());
            batch.forEach(n -> settle(n.settlement(), false));
            throw e;
        }
        if (!copied) {
            LOG.infof(
                    "pair %s: %d notified keys not copied: the pair's pass lock was not to be had within %s (held by"
                            + " another worker replica, or its database did not answer); handed back to be delivered"
                            + " again (the passes copy them too)",
                    pair, keys.size(), Exclusive.WAIT);
            batch.forEach(n -> settle(n.settlement(), false));
            return;
        }
        for (Notice n : batch) {
            settle(n.settlement(), n.keys().stream().noneMatch(failed::contains));
        }
    }

    /** Copies the keys to every replica; the keys any replica could not record are added to {@code failed}. */
    private void copyToEach(Set<String> keys, Set<String> failed) throws InterruptedException {
        for (Replicator r : replicas) {
            try {
                Replicator.NotifiedCopy copy = r.copyNow(keys);
                failed.addAll(copy.failed());
                LOG.debugf(
                        "pair %s, replica %s: %d of %d notified keys copied",
                        pair, r.replicaAt(), copy.copied(), keys.size());
            } catch (RuntimeException e) {
                failed.addAll(keys);
                LOG.warnf(
                        e,
                        "pair %s, replica %s: notified changes not copied; the next pass copies them",
                        pair,
                        r.replicaAt());
            }
        }
    }

    private void settle(ChangeFeed.Settlement settlement, boolean done) {
        try {
            if (done) {
                recorded.incrementAndGet();
                settlement.recorded();
            } else {
                retried.incrementAndGet();
                settlement.retry();
            }
        } catch (RuntimeException e) {
            LOG.warnf(
                    "pair %s: a notification could not be settled (it may be delivered again): %s",
                    pair, e.getMessage());
        }
    }

    String pair() {
        return pair;
    }

    /** Notifications received from the feed, unreadable ones and other buckets' included. */
    long received() {
        return received.get();
    }

    /** Notifications whose change every replica recorded (or had nothing to do for): acknowledged to the feed. */
    long recorded() {
        return recorded.get();
    }

    /** Notifications handed back to the feed for delivery again, their change not recorded. */
    long retried() {
        return retried.get();
    }

    @Override
    public void close() {
        feed.close();
        copier.shutdownNow();
    }
}
