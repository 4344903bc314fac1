package io.baran.worker.replication;

import io.baran.worker.provider.store.ChangeFeed;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns the change notifications of a pair's source into targeted copies: the keys notified are gathered for a
 * moment (a file written in several steps, a burst of events, are one copy) and then copied to each replica
 * ({@link Replicator#copyNow}), one batch at a time. A notification only speeds things up: the passes still
 * run, catch whatever was missed, and alone decide deletions and the lag.
 */
final class ChangeNotifications implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeNotifications.class);
    /** How long notified keys are gathered before they are copied. */
    static final long GATHER_MILLIS = 300;

    private final String pair;
    private final Location source;
    private final List<Replicator> replicas;
    private final ChangeFeed feed;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService copier;

    ChangeNotifications(String pair, Location source, List<Replicator> replicas, ChangeFeed feed) {
        this.pair = pair;
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
        feed.start(key -> {
            String relative = source.relative(key);
            if (relative != null && !relative.isEmpty()) {
                pending.add(relative);
            }
        });
        copier.scheduleWithFixedDelay(this::copyPending, GATHER_MILLIS, GATHER_MILLIS, TimeUnit.MILLISECONDS);
        LOG.infof("replication pair %s: change notifications on (%s)", pair, feed.describe());
    }

    private void copyPending() {
        if (pending.isEmpty()) {
            return;
        }
        Set<String> batch = Set.copyOf(pending);
        pending.removeAll(batch);
        for (Replicator r : replicas) {
            try {
                int copied = r.copyNow(batch);
                LOG.debugf("pair %s, replica %s: %d of %d notified keys copied", pair, r.replicaAt(), copied, batch.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf(e, "pair %s, replica %s: notified changes not copied; the next pass copies them", pair, r.replicaAt());
            }
        }
    }

    @Override
    public void close() {
        feed.close();
        copier.shutdownNow();
    }
}
