package io.baran.orchestrator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.OutageEvent;
import io.baran.runbook.Access;
import io.baran.runbook.Runbook;
import io.baran.runbook.Trigger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which runbooks a game day drills for the person who asked for it, without I/O. */
class GameDayPlanTest {

    private static final Runbook TEAM_A = runbook("team-a-web", List.of("team-a"));
    private static final Runbook TEAM_B = runbook("team-b-web", List.of("team-b"));
    private static final Runbook ADMINS_ONLY = runbook("core-dns", List.of());
    private static final List<Runbook> SCOPE = List.of(TEAM_A, TEAM_B, ADMINS_ONLY);

    @Test
    void aDrillOperatorDrillsOnlyTheRunbooksWhoseAccessNamesOneOfTheirGroups() {
        var ana = new OutageEvent.Requester("ana", List.of("drill-operator", "team-a", "viewer"), false);
        GameDays.Plan plan = GameDays.Plan.of(ana, SCOPE);
        assertEquals(
                List.of("team-a-web"), plan.drill().stream().map(Runbook::name).toList());
        assertEquals(
                List.of("core-dns", "team-b-web"),
                List.copyOf(new java.util.TreeSet<>(plan.refused().keySet())));
        assertEquals(
                "ana may not drill runbook team-b-web: its spec.access.drill allows only [team-b], and the groups of"
                        + " ana are [drill-operator, team-a, viewer]",
                plan.refused().get("team-b-web"));
        assertTrue(plan.refused().get("core-dns").contains("names no group (nobody but an admin may)"));
        assertEquals("ana", plan.actor());
    }

    @Test
    void anAdminDrillsEveryRunbookOfTheScope() {
        var boss = new OutageEvent.Requester("boss", List.of("admin"), true);
        GameDays.Plan plan = GameDays.Plan.of(boss, SCOPE);
        assertEquals(SCOPE, plan.drill());
        assertEquals(Map.of(), plan.refused());
    }

    @Test
    void aSimulationThatNamesNoPersonDrillsNothing() {
        for (var nobody : java.util.Arrays.asList(
                null,
                new OutageEvent.Requester(" ", List.of("admin"), true),
                new OutageEvent.Requester("system", List.of("admin"), true))) {
            GameDays.Plan plan = GameDays.Plan.of(nobody, SCOPE);
            assertEquals(List.of(), plan.drill(), String.valueOf(nobody));
            assertEquals(
                    Map.of(
                            "team-a-web",
                            GameDays.Plan.NO_PERSON,
                            "team-b-web",
                            GameDays.Plan.NO_PERSON,
                            "core-dns",
                            GameDays.Plan.NO_PERSON),
                    plan.refused());
            assertEquals("system", plan.actor());
        }
    }

    private static Runbook runbook(String name, List<String> drill) {
        return new Runbook(
                name,
                null,
                Map.of(),
                name,
                List.of(),
                new Trigger("test/gameday", List.of(), "none"),
                List.of(),
                null,
                "0",
                "test",
                1,
                new Access(drill, List.of(), List.of(), 1),
                3,
                null,
                null);
    }
}
