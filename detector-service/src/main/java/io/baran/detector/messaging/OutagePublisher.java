package io.baran.detector.messaging;

import io.baran.detector.config.DetectorConfig;
import io.baran.detector.state.ScopeChange;
import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.OutageEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes outage starts and ends on {@code baran.health-events}, keyed by scope so that the events of one
 * scope stay in order on one partition. The Kafka producer retries a failed send until its delivery timeout;
 * a send that still fails is logged as an error together with the whole event, which holds no secret, so an
 * operator can see what the orchestrator missed.
 */
@ApplicationScoped
public class OutagePublisher {

    private static final Logger LOG = Logger.getLogger(OutagePublisher.class);

    private final Emitter<String> emitter;
    private final String vantage;

    OutagePublisher(@Channel("health-events") Emitter<String> emitter, DetectorConfig config) {
        this.emitter = emitter;
        this.vantage = config.vantage();
    }

    /** Queues the event for Kafka and returns at once. */
    public void publish(String type, ScopeChange change, List<OutageEvent.TargetVerdict> targets) {
        CloudEvent<OutageEvent> event = CloudEvent.of(UUID.randomUUID().toString(), "/baran/detector/" + vantage, type,
                change.scope(), change.at(),
                new OutageEvent(change.scope(), change.incidentId(), vantage, change.at(), targets, false));
        String json = EventCodec.encode(event);
        String what = type + " for scope " + change.scope() + " (incident " + change.incidentId() + ", event " + event.id() + ")";
        Message<String> message = Message.of(json,
                Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(change.scope()).build()),
                () -> {
                    LOG.infof("published %s", what);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    LOG.errorf(failure, "NOT published %s: Kafka refused it after the producer's retries; event: %s", what, json);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            LOG.errorf(e, "NOT published %s: it could not be queued for Kafka; event: %s", what, json);
        }
    }
}
