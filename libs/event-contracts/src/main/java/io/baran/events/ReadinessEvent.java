package io.baran.events;

import java.util.List;

/**
 * The payload of {@value #CHANGED} events on {@link Topics#READINESS_EVENTS}, keyed by runbook name: a runbook's
 * readiness verdict changed. Published by the orchestrator only when the verdict differs from the one before; the
 * event id ({@code <runbook>/<evaluatedAt millis>}) stays the same when it is published again.
 *
 * @param runbook     the runbook's name
 * @param version     the runbook version evaluated
 * @param protects    the protected service
 * @param verdict     {@code ready}, {@code degraded} or {@code not-ready}
 * @param previous    the verdict before; null for the first evaluation
 * @param reasons     every reason of the verdict, one line each ({@code <code>: <message>})
 * @param evaluatedAt when the evaluation ended (epoch milliseconds)
 */
public record ReadinessEvent(
        String runbook,
        int version,
        String protects,
        String verdict,
        String previous,
        List<String> reasons,
        long evaluatedAt) {

    public static final String CHANGED = "io.baran.readiness.changed";

    public ReadinessEvent {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
