package io.baran.orchestrator.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookParser;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillSchedulesTest {

    private static final Runbook SHOP = new RunbookParser().parse("shop.yaml", """
                    apiVersion: baran.io/v1
                    kind: Runbook
                    metadata:
                      name: shop
                    spec:
                      protects: shop
                      drills:
                        schedule: "0 3 * * TUE"
                        timezone: Europe/Berlin
                        blockedWindows: ["* * 20-31 DEC *", "* * * * SAT,SUN"]
                      failover:
                        - name: settle
                          action: wait
                          with: { for: 1s }
                    """);

    @Test
    void aRunbooksScheduleFiresOnItsCronInItsZoneSkippingOverlapsAndBlockedWindows() {
        var schedule = DrillSchedules.scheduleOf(SHOP);
        ScheduleSpec spec = schedule.getSpec();
        assertEquals(List.of("0 3 * * TUE"), spec.getCronExpressions());
        assertEquals("Europe/Berlin", spec.getTimeZoneName());
        assertEquals(
                ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP,
                schedule.getPolicy().getOverlap());
        assertEquals(2, spec.getSkip().size());
        ScheduleCalendarSpec freeze = spec.getSkip().get(0);
        assertEquals(List.of(new ScheduleRange(20, 31, 1)), freeze.getDayOfMonth());
        assertEquals(List.of(new ScheduleRange(12, 12, 1)), freeze.getMonth());
        assertEquals(List.of(new ScheduleRange(0, 6, 1)), freeze.getDayOfWeek());
        assertEquals(List.of(new ScheduleRange(0, 23, 1)), freeze.getHour());
        ScheduleCalendarSpec weekends = spec.getSkip().get(1);
        assertEquals(List.of(new ScheduleRange(6, 6, 1), new ScheduleRange(0, 0, 1)), weekends.getDayOfWeek());
        var action = (ScheduleActionStartWorkflow) schedule.getAction();
        assertEquals("scheduled-drill-shop", action.getOptions().getWorkflowId());
        assertEquals("drill-shop", DrillSchedules.idFor("shop"));
    }

    @Test
    void aFiringMapsToOneDrillIdWhateverHowOftenItIsRetried() {
        String id = ScheduledDrillStarter.executionId("shop", "scheduled-drill-shop-2026-12-08T02:00:00Z");
        assertEquals(id, ScheduledDrillStarter.executionId("shop", "scheduled-drill-shop-2026-12-08T02:00:00Z"));
        assertEquals("drill-shop-".length() + 8, id.length());
    }
}
