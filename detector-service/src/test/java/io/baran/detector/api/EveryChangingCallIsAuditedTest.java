package io.baran.detector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.testinfra.AuditedEndpoints;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EveryChangingCallIsAuditedTest {

    @Test
    void everyResourceMethodThatMayChangeSomethingIsWrittenToTheAuditTrail() {
        assertEquals(
                List.of(),
                AuditedEndpoints.unaudited(Path.of("target/classes")),
                "POST, PUT, PATCH and DELETE methods without @AuditedCall");
    }
}
