package io.baran.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A with: block given as plain values (as a worker receives it) binds by the same contract as a runbook's. */
class BoundWithTest {

    private static final ActionCatalog CATALOG = ActionCatalog.standard();

    private static BoundWith bind(String action, Map<String, ?> with) {
        return CATALOG.type(action).orElseThrow().bind(with);
    }

    @Test
    void leftOutFieldsReadAsTheModelsDefaults() {
        BoundWith with = bind("health.check", Map.of("url", "https://www.example.com/healthz"));

        assertTrue(with.valid(), with.problems().toString());
        assertEquals(200, with.number("expect"));
        assertEquals(Duration.ofMinutes(1), with.duration("within"));
        assertEquals("1s", with.durationText("interval"));
    }

    @Test
    void everyViolationIsReportedWithItsFieldAndNoPosition() {
        BoundWith with = bind(
                "dns.switch",
                Map.of(
                        "provider",
                        "aws-main",
                        "zone",
                        "example.com",
                        "record",
                        "www",
                        "type",
                        "CNAME",
                        "to",
                        List.of("a.example.net", "b.example.net"),
                        "ttl",
                        0,
                        "tll",
                        60));

        assertFalse(with.valid());
        assertEquals(
                List.of(
                        "with.tll is not a field of dns.switch (did you mean ttl?) (fields: provider, zone, record, type, to, ttl)",
                        "with.to a CNAME record takes exactly one value, not 2",
                        "with.ttl 0 is out of range (1 to 604800)"),
                with.problems().stream().sorted().toList());
    }

    @Test
    void readingAFieldTheActionDoesNotDeclareIsAProgrammingError() {
        BoundWith with = bind("wait", Map.of("for", "30s"));

        assertThrows(IllegalArgumentException.class, () -> with.text("until"));
        assertThrows(IllegalArgumentException.class, () -> with.number("for"));
        assertEquals(java.util.Set.of("for"), with.unread());
        with.duration("for");
        assertTrue(with.unread().isEmpty());
    }

    @Test
    void controlFlowIsFlaggedOnTheSpec() {
        assertEquals(
                List.of("wait", "approval"),
                CATALOG.all().stream()
                        .filter(ActionSpec::controlFlow)
                        .map(ActionSpec::name)
                        .toList());
    }
}
