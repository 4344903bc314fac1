package io.baran.worker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlPlaneTest {

    private final ControlPlane route53 = new ControlPlane("aws/us-east-1", "route53", "Route 53");

    @Test
    void anOutageOfTheRegionOrOfAServiceInItOrOfTheWholeCloudReachesTheControlPlane() {
        assertTrue(route53.dependsOn("aws/us-east-1"));
        assertTrue(route53.dependsOn("aws/us-east-1/s3"));
        assertTrue(route53.dependsOn("aws"));
        assertTrue(route53.dependsOn("aws/us-east-1/"));
    }

    @Test
    void anOutageElsewhereDoesNot() {
        assertFalse(route53.dependsOn("aws/us-east-2"));
        assertFalse(route53.dependsOn("aws/us-east-10"));
        assertFalse(route53.dependsOn("gcp/us-east1"));
        assertFalse(route53.dependsOn(null));
        assertFalse(route53.dependsOn(""));
    }

    @Test
    void aPlanCarriesTheRegionAndTheScope() {
        Map<String, Object> observed = route53.addTo(Map.of("exists", true));

        assertEquals("aws/us-east-1", observed.get(ControlPlane.REGION_KEY));
        assertEquals("aws/us-east-1/route53", observed.get(ControlPlane.SCOPE_KEY));
        assertEquals(true, observed.get("exists"));
        assertEquals(" [control plane: Route 53 in aws/us-east-1]", route53.note());
    }
}
