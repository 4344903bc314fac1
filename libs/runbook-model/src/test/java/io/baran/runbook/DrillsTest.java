package io.baran.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrillsTest {

    private final RunbookParser parser = new RunbookParser();

    private static String runbook(String drills) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: shop
                spec:
                  protects: shop
                  parameters:
                    zone: { default: example.com }
                %s
                  failover:
                    - name: settle
                      action: wait
                      with: { for: 1s }
                """.formatted(drills);
    }

    @Test
    void drillsAreReadWithTheirScheduleWindowsAndAbortCondition() {
        Runbook rb = parser.parse("shop.yaml", runbook("""
                  drills:
                    schedule: "0 3 * * TUE"
                    timezone: Europe/Berlin
                    hold: 5m
                    blockedWindows: ["* * 20-31 DEC *"]
                    abortWhen:
                      healthCheckFails: { url: "https://www.${zone}/healthz", within: 20s }
                      every: 15s
                """));
        Drills drills = rb.drills();
        assertEquals("0 3 * * TUE", drills.schedule());
        assertEquals("Europe/Berlin", drills.timezone());
        assertEquals("5m", drills.hold());
        assertEquals(List.of("* * 20-31 DEC *"), drills.blockedWindows());
        assertEquals("15s", drills.abortWhen().every());
        Map<String, Object> check = drills.abortWhen().healthCheckFails();
        assertEquals("https://www.example.com/healthz", check.get("url"), "parameters are replaced");
        assertEquals("20s", check.get("within"));
    }

    @Test
    void drillsHaveDefaultsAndARunbookWithoutThemHasNone() {
        Drills drills = parser.parse("shop.yaml", runbook("""
                          drills:
                            schedule: "30 2 * * *"
                        """)).drills();
        assertEquals(Drills.DEFAULT_HOLD, drills.hold());
        assertEquals("UTC", drills.timezone());
        assertNull(drills.abortWhen());
        assertNull(parser.parse("shop.yaml", runbook("")).drills());
    }

    @Test
    void cronFieldsBecomeRanges() {
        Cron cron = Cron.parse("*/15 3 1-7 JAN,jul MON-FRI");
        assertEquals(List.of(new Cron.Range(0, 59, 15)), cron.minutes());
        assertEquals(List.of(new Cron.Range(3, 3, 1)), cron.hours());
        assertEquals(List.of(new Cron.Range(1, 7, 1)), cron.daysOfMonth());
        assertEquals(List.of(new Cron.Range(1, 1, 1), new Cron.Range(7, 7, 1)), cron.months());
        assertEquals(List.of(new Cron.Range(1, 5, 1)), cron.daysOfWeek());
    }

    @Test
    void sevenIsSundayAsZeroIs() {
        assertEquals(List.of(new Cron.Range(0, 0, 1)), Cron.parse("0 0 * * 7").daysOfWeek());
        assertEquals(
                List.of(new Cron.Range(5, 6, 1), new Cron.Range(0, 0, 1)),
                Cron.parse("0 0 * * FRI-7").daysOfWeek());
        assertEquals(List.of(new Cron.Range(0, 6, 1)), Cron.parse("0 0 * * *").daysOfWeek());
    }

    @Test
    void aCronExpressionThatIsNotOneSaysWhy() {
        Cron.Invalid fields = assertThrows(Cron.Invalid.class, () -> Cron.parse("0 3 * TUE"));
        assertTrue(fields.getMessage().contains("needs 5 fields"), fields.getMessage());
        assertEquals(
                "hour 24 is out of range (0 to 23)", Cron.problem("0 24 * * *").orElseThrow());
        assertEquals(
                "day of week range \"FRI-MON\" ends before it starts",
                Cron.problem("0 0 * * FRI-MON").orElseThrow());
    }
}
