package io.baran.detector.api;

import io.baran.security.CallAuditTrail;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** At start: the audit trail this service writes its changing calls to is configured, or the service does not start. */
@ApplicationScoped
class AuditTrailCheck {

    void onStart(@Observes StartupEvent start, CallAuditTrail trail) {
        trail.checkAtStart("detector");
    }
}
