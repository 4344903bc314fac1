package io.baran.orchestrator.workflow;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.ExecutionEvent;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Stores every execution transition in PostgreSQL (the audit trail) and publishes it as a CloudEvent on
 * {@code baran.execution-events}, keyed by execution id.
 */
@ApplicationScoped
public class KafkaExecutionJournal implements ExecutionJournal {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(KafkaExecutionJournal.class);

    @Inject
    ExecutionAudit audit;

    @Inject
    @Channel("execution-events")
    Emitter<Record<String, String>> emitter;

    @Override
    public void record(ExecutionEvent transition) {
        String id = idOf(transition);
        audit.store(id, transition);
        String type = typeOf(transition);
        try {
            emitter.send(Record.of(transition.executionId(), encode(id, transition)))
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + id, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "could not publish " + type + " of " + transition.executionId() + ": " + e, e);
        }
    }

    @Override
    public void publish(ExecutionEvent transition) {
        String id = idOf(transition);
        audit.store(id, transition);
        emitter.send(Record.of(transition.executionId(), encode(id, transition)))
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        LOG.warnf(
                                "%s of %s not published (it is in the audit trail): %s",
                                typeOf(transition), transition.executionId(), failure.toString());
                    }
                });
    }

    /** Derived from the transition, so a retried activity stores and publishes the same event id. */
    private static String idOf(ExecutionEvent transition) {
        return transition.executionId() + "/" + transition.seq();
    }

    private static String typeOf(ExecutionEvent transition) {
        return transition.step() == null ? ExecutionEvent.PHASE_CHANGED : ExecutionEvent.STEP_CHANGED;
    }

    private static String encode(String id, ExecutionEvent transition) {
        return EventCodec.encode(CloudEvent.of(
                id,
                "/baran/orchestrator",
                typeOf(transition),
                transition.executionId(),
                Instant.ofEpochMilli(transition.at()),
                transition));
    }
}
