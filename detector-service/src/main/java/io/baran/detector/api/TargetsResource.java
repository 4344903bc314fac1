package io.baran.detector.api;

import io.baran.detector.state.HealthTracker;
import io.baran.detector.state.TargetStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** What each probed target looks like from this detector. */
@Path("/api/targets")
@Produces(MediaType.APPLICATION_JSON)
public class TargetsResource {

    private final HealthTracker tracker;

    TargetsResource(HealthTracker tracker) {
        this.tracker = tracker;
    }

    @GET
    public List<TargetStatus> list() {
        return tracker.targets();
    }
}
