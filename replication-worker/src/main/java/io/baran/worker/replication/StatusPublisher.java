package io.baran.worker.replication;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.ReplicationStatus;
import io.baran.events.Topics;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes each replica's status on {@link Topics#REPLICATION_STATUS} as a CloudEvent keyed by pair name.
 * Never blocks a pass: while Kafka is unreachable statuses are dropped (the next one says everything the
 * dropped ones said).
 */
@Singleton
public class StatusPublisher {

    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

    @Inject
    @Channel("replication-status")
    @OnOverflow(value = OnOverflow.Strategy.DROP)
    Emitter<Record<String, String>> emitter;

    public void publish(ReplicationStatus status) {
        String id = status.pair() + "/" + status.replica() + "/" + status.at().toEpochMilli();
        String json = EventCodec.encode(CloudEvent.of(
                id, "/baran/replication-worker", ReplicationStatus.TYPE, status.replica(), status.at(), status));
        try {
            emitter.send(Record.of(status.pair(), json)).whenComplete((ok, e) -> {
                if (e != null) {
                    LOG.debugf("replication status of %s not published: %s", status.pair(), e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            LOG.debugf("replication status of %s not published: %s", status.pair(), e.getMessage());
        }
    }
}
