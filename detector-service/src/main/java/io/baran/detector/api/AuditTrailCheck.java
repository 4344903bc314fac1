package io.baran.detector.api;

import io.baran.security.CallAuditTrail;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** At start: the audit trail this service writes its changing calls to is configured, or the service does not start. */
@ApplicationScoped
class AuditTrailCheck {

    private static final Logger LOG = Logger.getLogger(AuditTrailCheck.class);

    void onStart(@Observes StartupEvent start, CallAuditTrail trail) {
        if (trail.checkConfiguration() == CallAuditTrail.Store.LOG) {
            LOG.warn(
                    "baran.audit.store=log: the detector's changing calls are logged (io.baran.changes), not written to"
                            + " the audit trail");
        }
    }
}
