package io.baran.orchestrator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.baran.workflow.Actor;
import io.baran.workflow.Decision;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.PhaseChange;
import io.baran.workflow.StepState;
import io.baran.workflow.StepStatus;
import io.baran.workflow.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionViewsTest {

    private static ExecutionProgress withSteps(StepStatus... steps) {
        return new ExecutionProgress(
                "x",
                "shop",
                "shop",
                Mode.DRILL,
                Phase.DONE,
                null,
                List.of(steps),
                null,
                null,
                null,
                null,
                1,
                null,
                List.of(),
                0);
    }

    private static ExecutionProgress waiting(Phase phase, String currentStep, StepState state, Phase... before) {
        List<PhaseChange> phases =
                java.util.Arrays.stream(before).map(p -> new PhaseChange(p, 1L)).toList();
        return new ExecutionProgress(
                "x",
                "shop",
                "shop",
                Mode.FAILOVER,
                phase,
                currentStep,
                List.of(new StepStatus("move", "dns.switch", state, null, null, 1L, 2L, Map.of())),
                null,
                null,
                null,
                null,
                1,
                "approval",
                phases,
                0);
    }

    /** What POST /approve-incident approves: executions at their start gate, first or after a turn round, or held. */
    @Test
    void theStartGateIsTheFirstOneOrThatOfATurnRound() {
        assertEquals(true, ExecutionViews.waitsAtItsStart(waiting(Phase.AWAITING_APPROVAL, null, StepState.PENDING)));
        assertEquals(
                true,
                ExecutionViews.waitsAtItsStart(waiting(
                        Phase.AWAITING_APPROVAL,
                        null,
                        StepState.UNDONE,
                        Phase.FAILING_OVER,
                        Phase.FAILED_OVER,
                        Phase.FAILING_BACK)));
        // The turn round after a failed failover was undone (change compensation-turns-round).
        assertEquals(
                true,
                ExecutionViews.waitsAtItsStart(waiting(
                        Phase.AWAITING_APPROVAL, null, StepState.UNDONE, Phase.FAILING_OVER, Phase.COMPENSATING)));
        // An approval step of the failover, and a failover whose steps ran but never failed back: not a start.
        assertEquals(
                false, ExecutionViews.waitsAtItsStart(waiting(Phase.AWAITING_APPROVAL, "gate", StepState.PENDING)));
        assertEquals(
                false,
                ExecutionViews.waitsAtItsStart(
                        waiting(Phase.AWAITING_APPROVAL, null, StepState.APPLIED, Phase.FAILING_OVER)));
        assertEquals(
                false,
                ExecutionViews.waitsAtItsStart(
                        waiting(Phase.AWAITING_FAILBACK_APPROVAL, null, StepState.APPLIED, Phase.FAILING_BACK)));
        assertEquals(true, ExecutionViews.heldBetweenSteps(waiting(Phase.HELD, null, StepState.UNDONE)));
        assertEquals(false, ExecutionViews.heldBetweenSteps(waiting(Phase.HELD, "move", StepState.FAILED)));
    }

    private static StepStatus step(String name, String action, String summary) {
        return new StepStatus(name, action, StepState.PASSED, summary, null, 1L, 2L, Map.of());
    }

    @Test
    void theRpoIsTheLargestLagAReplicaCheckMeasured() {
        var p = withSteps(
                step("assets", "storage.check-replica", "RPO 12.3s (maxLag 5m): gcp-dr:gs://assets holds ..."),
                step("images", "storage.check-replica", "RPO 40s (maxLag 5m): gcp-dr:gs://images holds ..."),
                step("www", "health.check", "RPO 99s is not a replica check"));
        ReportView.Rpo rpo = ExecutionViews.rpo(p);
        assertEquals(true, rpo.measured());
        assertEquals(40.0, rpo.seconds());
        assertEquals(2, rpo.steps().size());
    }

    @Test
    void withoutAReplicaCheckTheRpoIsNotMeasured() {
        assertEquals(
                false,
                ExecutionViews.rpo(withSteps(step("www", "health.check", "GET ... answered 200")))
                        .measured());
    }

    /** Configured as Quarkus configures its mapper, for the JSON the API sends. */
    private static final ObjectMapper JSON =
            new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void anExecutionSendsEveryFieldWithAbsentOnesAsNull() throws Exception {
        var p = new ExecutionProgress(
                "x",
                "shop",
                "shop",
                Mode.PLAN,
                Phase.of("starting"),
                null,
                List.of(),
                null,
                null,
                null,
                null,
                1,
                null,
                List.of(),
                0);
        assertEquals(
                "{\"executionId\":\"x\",\"status\":\"running\",\"runbook\":\"shop\",\"runbookVersion\":1,\"protects\":\"shop\","
                        + "\"mode\":\"plan\",\"phase\":\"starting\",\"awaiting\":null,\"currentStep\":null,\"scope\":null,\"incidentId\":null,"
                        + "\"startedBy\":null,\"approvalsNeeded\":0,\"decisions\":[],\"failbackRequestedBy\":null,\"abortedBy\":null,\"reapplied\":[],"
                        + "\"steps\":[],\"phases\":[],\"error\":null}",
                JSON.writeValueAsString(ExecutionViews.execution("x", "running", p)));
    }

    @Test
    void stepsDecisionsAndPhasesReadAsTheyAlwaysDid() throws Exception {
        var steps = List.of(new StepStatus(
                "move",
                "dns.switch",
                StepState.of("applied"),
                "moved",
                null,
                1000L,
                3500L,
                Map.of("value", "primary")));
        var p = new ExecutionProgress(
                "x",
                "shop",
                "shop",
                Mode.DRILL,
                Phase.of("failed-over"),
                null,
                steps,
                null,
                null,
                null,
                null,
                1,
                null,
                List.of(new PhaseChange(Phase.of("failed-over"), 4000)),
                0,
                Actor.person("ada", List.of("admin")),
                List.of(new Decision(
                        "approval to start the failover", null, Verdict.APPROVE, "ada", 900, true, "drill")),
                0,
                null);
        var view = JSON.readTree(JSON.writeValueAsString(ExecutionViews.execution("x", "running", p)));
        assertEquals(
                JSON.readTree(
                        "{\"name\":\"move\",\"action\":\"dns.switch\",\"state\":\"applied\",\"summary\":\"moved\","
                                + "\"error\":null,\"startedAt\":\"1970-01-01T00:00:01Z\",\"endedAt\":\"1970-01-01T00:00:03.500Z\","
                                + "\"replaced\":{\"value\":\"primary\"}}"),
                view.get("steps").get(0));
        assertEquals(
                JSON.readTree(
                        "{\"on\":\"approval to start the failover\",\"step\":null,\"verdict\":\"approve\",\"by\":\"ada\","
                                + "\"at\":\"1970-01-01T00:00:00.900Z\",\"breakGlass\":true,\"reason\":\"drill\"}"),
                view.get("decisions").get(0));
        assertEquals(
                JSON.readTree("{\"phase\":\"failed-over\",\"at\":\"1970-01-01T00:00:04Z\"}"),
                view.get("phases").get(0));
        assertEquals(
                JSON.readTree("{\"name\":\"ada\",\"groups\":[\"admin\"],\"eventId\":null}"), view.get("startedBy"));
    }

    @Test
    void anRpoNotMeasuredSaysWhyAndNothingElse() throws Exception {
        assertEquals(
                "{\"measured\":false,\"why\":\"no storage.check-replica step measured replication lag\"}",
                JSON.writeValueAsString(
                        ExecutionViews.rpo(withSteps(step("www", "health.check", "GET ... answered 200")))));
        var measured = JSON.readTree(JSON.writeValueAsString(ExecutionViews.rpo(withSteps(
                step("assets", "storage.check-replica", "RPO 12.5s (maxLag 5m): gcp-dr:gs://assets holds ...")))));
        assertEquals(
                JSON.readTree("{\"measured\":true,\"seconds\":12.5,\"steps\":[{\"step\":\"assets\",\"seconds\":12.5,"
                        + "\"summary\":\"RPO 12.5s (maxLag 5m): gcp-dr:gs://assets holds ...\"}]}"),
                measured);
    }

    @Test
    void aReportSplitsTheRecoveryTimeAndNamesWhatChanged() throws Exception {
        var steps = List.of(
                new StepStatus(
                        "move",
                        "dns.switch",
                        StepState.of("undone"),
                        "moved",
                        null,
                        1000L,
                        3500L,
                        Map.of("value", "primary")),
                new StepStatus("check", "health.check", StepState.of("passed"), "200", null, 3500L, 4000L, Map.of()));
        var p = new ExecutionProgress(
                "x",
                "shop",
                "shop",
                Mode.DRILL,
                Phase.of("done"),
                null,
                steps,
                null,
                null,
                null,
                500L,
                1,
                null,
                List.of(
                        new PhaseChange(Phase.of("failing-over"), 900),
                        new PhaseChange(Phase.of("failed-over"), 4100),
                        new PhaseChange(Phase.of("done"), 9000)),
                250);
        var report = JSON.readTree(JSON.writeValueAsString(ExecutionViews.report("x", "completed", p)));
        assertEquals(
                JSON.readTree(
                        "{\"detect\":0.4,\"decide\":0.25,\"execute\":2.5,\"verify\":0.5,\"steps\":["
                                + "{\"step\":\"move\",\"action\":\"dns.switch\",\"seconds\":2.5,\"state\":\"undone\"},"
                                + "{\"step\":\"check\",\"action\":\"health.check\",\"seconds\":0.5,\"state\":\"passed\"}],\"total\":3.6}"),
                report.get("rtoSeconds"));
        assertEquals(
                JSON.readTree("[{\"step\":\"move\",\"replaced\":{\"value\":\"primary\"},\"state\":\"undone\"}]"),
                report.get("changed"));
        assertEquals(true, report.get("restored").asBoolean());
        assertEquals("1970-01-01T00:00:00.900Z", report.get("startedAt").asText());
        assertEquals("1970-01-01T00:00:09Z", report.get("endedAt").asText());
    }
}
