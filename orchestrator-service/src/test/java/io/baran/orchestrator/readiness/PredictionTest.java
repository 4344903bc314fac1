package io.baran.orchestrator.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionTest {

    private static final Runbook RUNBOOK = new RunbookParser().parse("p.yaml", """
            apiVersion: baran.io/v1
            kind: Runbook
            metadata: { name: p }
            spec:
              protects: p
              failover:
                - name: go-ahead
                  action: approval
                - parallel:
                    - name: move-www
                      action: dns.switch
                      with: { provider: aws-main, zone: example.com, record: www, type: CNAME, to: [b.example.net] }
                    - name: move-api
                      action: dns.switch
                      with: { provider: aws-main, zone: example.com, record: api, type: CNAME, to: [b.example.net] }
                - name: settle
                  action: wait
                  with: { for: 10s }
            """);

    private static RunbookHistory.Entry drill(double www, double api) {
        return started(null, www, api);
    }

    /** An execution an outage started {@code detect} seconds after it began (null: a drill asked for by hand). */
    private static RunbookHistory.Entry started(Double detect, double www, double api) {
        return new RunbookHistory.Entry(
                "d",
                detect == null ? "drill" : "failover",
                "2026-12-01T00:00:00Z",
                "done",
                new RunbookHistory.Split(detect, 0, www + api, 0, null),
                List.of(new RunbookHistory.StepTime("move-www", www), new RunbookHistory.StepTime("move-api", api)));
    }

    @Test
    void aParallelGroupCountsAsItsSlowestAWaitAsItsDurationAndAnApprovalAsNothing() {
        Prediction p = Prediction.of(RUNBOOK, List.of(drill(2, 5), drill(3, 4), drill(40, 1)), 30);
        // p50: move-www 3, move-api 4 -> the group 4; p95: move-www 40, move-api 5 -> 40.
        assertEquals(44.0, p.p50Seconds());
        assertEquals(80.0, p.p95Seconds());
        assertEquals(List.of(), p.missing());
        assertEquals(3, p.executions());
        assertEquals("configuration", p.detectFrom(), "no execution an outage started: the configured detection");
        assertEquals(30.0, p.detectSeconds());
    }

    @Test
    void theDetectionTimeIsMeasuredFromTheExecutionsOutagesStarted() {
        Prediction p = Prediction.of(
                RUNBOOK, List.of(started(5.0, 2, 5), started(7.0, 3, 4), started(30.0, 40, 1), drill(3, 4)), 999);
        assertEquals("history", p.detectFrom());
        assertEquals(3, p.detectSamples(), "the drill asked for by hand measured no detection");
        assertEquals(7.0, p.detectSeconds());
        assertEquals(30.0, p.detectP95Seconds());
        // p50: detection 7 + the parallel group's 4 + the wait's 10; p95: 30 + 40 + 10.
        assertEquals(21.0, p.p50Seconds());
        assertEquals(80.0, p.p95Seconds());
    }

    @Test
    void aChangingStepNoExecutionRanLeavesNoPrediction() {
        Prediction p = Prediction.of(RUNBOOK, List.of(), 30);
        assertNull(p.p50Seconds());
        assertEquals(List.of("move-www", "move-api"), p.missing());
    }
}
