package io.baran.orchestrator.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.baran.orchestrator.readiness.RunbookHistory.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunbookHistoryTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** A drill that waited {@code approve} seconds, switched in {@code move} and checked in 1 second. */
    private static List<Row> drill(String id, long startOffset, long approve, long move) {
        Instant t = T0.plusSeconds(startOffset);
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(id, "drill", "starting", null, null, t));
        rows.add(new Row(id, "drill", "awaiting-approval", null, null, t));
        t = t.plusSeconds(approve);
        rows.add(new Row(id, "drill", "failing-over", null, null, t));
        rows.add(new Row(id, "drill", "failing-over", "move", "running", t));
        rows.add(new Row(id, "drill", "failing-over", "move", "running", t.plusMillis(10)));
        t = t.plusSeconds(move);
        rows.add(new Row(id, "drill", "failing-over", "move", "applied", t));
        rows.add(new Row(id, "drill", "failing-over", "check", "running", t));
        t = t.plusSeconds(1);
        rows.add(new Row(id, "drill", "failing-over", "check", "passed", t));
        rows.add(new Row(id, "drill", "failed-over", null, null, t));
        rows.add(new Row(id, "drill", "failing-back", "move", "undoing", t.plusSeconds(5)));
        rows.add(new Row(id, "drill", "done", null, null, t.plusSeconds(6)));
        return rows;
    }

    @Test
    void eachExecutionIsSplitIntoDecideExecuteAndVerifyUntilFailedOver() {
        var entries = RunbookHistory.entries(drill("drill-shop-1", 0, 30, 4), Set.of("check"));
        assertEquals(1, entries.size());
        var split = entries.get(0).rtoSeconds();
        assertEquals(30.0, split.decide());
        assertEquals(4.0, split.execute());
        assertEquals(1.0, split.verify());
        assertEquals(35.0, split.total());
        assertEquals("done", entries.get(0).phase());
        assertEquals(
                List.of(new RunbookHistory.StepTime("move", 4.0), new RunbookHistory.StepTime("check", 1.0)),
                entries.get(0).steps());
    }

    @Test
    void theTrendComparesTheNewerHalfWithTheOlder() {
        List<Row> rows = new ArrayList<>();
        long[] moves = {20, 22, 21, 8, 9, 7};
        for (int i = 0; i < moves.length; i++) {
            rows.addAll(drill("drill-shop-" + i, i * 3600L, 0, moves[i]));
        }
        var entries = RunbookHistory.entries(rows, Set.of("check"));
        assertEquals("drill-shop-5", entries.get(0).executionId(), "newest first");
        var trend = RunbookHistory.trend(entries);
        assertEquals("improving", trend.direction());
        assertEquals(22.0, trend.olderMedianSeconds());
        assertEquals(9.0, trend.recentMedianSeconds());
        assertEquals(
                "not-enough-history",
                RunbookHistory.trend(entries.subList(0, 3)).direction());
    }

    @Test
    void anExecutionAnOutageStartedMeasuresItsDetectionFromWhenTheOutageBegan() {
        List<Row> rows = new ArrayList<>(drill("failover-shop-1", 0, 0, 4));
        rows.addAll(drill("drill-shop-2", 3600, 0, 4));
        var entries = RunbookHistory.entries(
                rows, Set.of("check"), java.util.Map.of("failover-shop-1", T0.minusMillis(4_500)));
        assertEquals(4.5, entries.get(1).rtoSeconds().detect(), "outage began 4.5 s before the execution started");
        assertNull(entries.get(0).rtoSeconds().detect(), "no outage started the drill");
        assertEquals(5.0, entries.get(1).rtoSeconds().total(), "the total still counts from the execution's start");
    }

    @Test
    void anExecutionThatNeverFailedOverHasNoTotal() {
        List<Row> rows = List.of(
                new Row("drill-shop-9", "drill", "starting", null, null, T0),
                new Row("drill-shop-9", "drill", "failing-over", "move", "running", T0),
                new Row("drill-shop-9", "drill", "compensated", null, null, T0.plusSeconds(3)));
        assertNull(RunbookHistory.entries(rows, Set.of()).get(0).rtoSeconds().total());
    }
}
