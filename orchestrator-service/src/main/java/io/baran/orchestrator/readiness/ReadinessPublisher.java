package io.baran.orchestrator.readiness;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.ReadinessEvent;
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
 * Publishes a changed verdict as a CloudEvent {@value ReadinessEvent#CHANGED} on {@code baran.readiness-events},
 * keyed by runbook, in structured JSON mode like the execution events.
 */
@ApplicationScoped
public class ReadinessPublisher {

    @Inject
    @Channel("readiness-events")
    Emitter<Record<String, String>> emitter;

    public void changed(ReadinessView view, String previous) {
        long at = Instant.parse(view.evaluatedAt()).toEpochMilli();
        ReadinessEvent event = new ReadinessEvent(
                view.runbook(),
                view.version(),
                view.protects(),
                view.verdict(),
                previous,
                view.reasons().stream()
                        .filter(r -> !"info".equals(r.severity()))
                        .map(ReadinessView.Reason::toString)
                        .toList(),
                at);
        String id = view.runbook() + "/" + at;
        String json = EventCodec.encode(CloudEvent.of(
                id,
                "/baran/orchestrator/readiness",
                ReadinessEvent.CHANGED,
                view.runbook(),
                Instant.ofEpochMilli(at),
                event));
        try {
            emitter.send(Record.of(view.runbook(), json)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + id, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish the readiness of " + view.runbook() + ": " + e, e);
        }
    }
}
