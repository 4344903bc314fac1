package io.baran.detector.api;

import io.baran.detector.state.HealthTracker;
import io.baran.detector.state.ScopeStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** Each scope's verdict from this detector, with the current incident while it is down. */
@Path("/api/scopes")
@Produces(MediaType.APPLICATION_JSON)
public class ScopesResource {

    private final HealthTracker tracker;

    ScopesResource(HealthTracker tracker) {
        this.tracker = tracker;
    }

    @GET
    public List<ScopeStatus> list() {
        return tracker.scopes();
    }
}
