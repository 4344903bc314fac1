package io.baran.orchestrator.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.orchestrator.readiness.ReadinessView.Reason;
import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookParser;
import io.baran.workflow.StepCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadinessRulesTest {

    private static final String YAML = """
            apiVersion: baran.io/v1
            kind: Runbook
            metadata: { name: shop }
            spec:
              protects: shop
            OBJECTIVES
              trigger:
                outage: { scope: aws/eu-west-1 }
              failover:
                - name: move-traffic
                  action: dns.switch
                  with: { provider: aws-main, zone: example.com, record: www, type: CNAME, to: [standby.example.net] }
                - name: standby-answers
                  action: health.check
                  with: { url: "https://standby.example.net/healthz" }
            """;
    private static final ReadinessRules.Limits TWO_VANTAGES =
            new ReadinessRules.Limits(Duration.ofHours(1), 2, 2, Optional.empty(), Optional.empty(), 80, 100);
    private static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");

    private static Runbook runbook(String objectives) {
        return new RunbookParser().parse("shop.yaml", YAML.replace("OBJECTIVES", objectives));
    }

    private static StepCheck dns(long ttl, String region) {
        return new StepCheck(
                "move-traffic", "dns.switch", StepCheck.OK, List.of(), "www CNAME", ttl, null, region, List.of());
    }

    private static StepCheck healthy() {
        return StepCheck.ok("standby-answers", "health.check", "answered 200");
    }

    private static Prediction history(Runbook runbook, double moveSeconds, double checkSeconds) {
        var entry = new RunbookHistory.Entry(
                "drill-shop-1",
                "drill",
                NOW.toString(),
                "done",
                new RunbookHistory.Split(null, 0, moveSeconds, checkSeconds, moveSeconds + checkSeconds),
                List.of(
                        new RunbookHistory.StepTime("move-traffic", moveSeconds),
                        new RunbookHistory.StepTime("standby-answers", checkSeconds)));
        return Prediction.of(runbook, List.of(entry), 30);
    }

    @Test
    void everyCheckPassingWithShortTtlsAndTwoVantagesIsReady() {
        Runbook shop = runbook("");
        ReadinessView view = ReadinessRules.evaluate(
                shop, List.of(dns(60, null), healthy()), history(shop, 2, 1), TWO_VANTAGES, NOW);
        assertEquals(ReadinessView.READY, view.verdict(), view.reasons().toString());
        assertEquals(33.0, view.prediction().p50Seconds());
    }

    private static StepCheck dnsInZone(StepCheck.Quota quota) {
        return dns(60, null).withQuotas(List.of(quota));
    }

    private static final String ZONE = "record sets in hosted zone example.com. (Z1, MAX_RRSETS_BY_ZONE)";

    private static ReadinessView withQuota(StepCheck.Quota quota) {
        Runbook shop = runbook("");
        return ReadinessRules.evaluate(
                shop, List.of(dnsInZone(quota), healthy()), history(shop, 2, 1), TWO_VANTAGES, NOW);
    }

    @Test
    void aNearlyFullZoneIsDegradedNamingUsedAndLimit() {
        ReadinessView view = withQuota(StepCheck.Quota.of(ZONE, 9_500, 10_000, 0));
        assertEquals(ReadinessView.DEGRADED, view.verdict(), view.reasons().toString());
        Reason quota = view.reasons().get(0);
        assertEquals("quota-headroom", quota.code());
        assertEquals("move-traffic", quota.step());
        assertTrue(quota.message().startsWith(ZONE + ": 9500 of 10000 used (95%)"), quota.message());
        assertTrue(quota.message().contains("quota-degraded-percent (80%)"), quota.message());
    }

    @Test
    void aRoomyZoneGivesNoQuotaReason() {
        ReadinessView view = withQuota(StepCheck.Quota.of(ZONE, 7_999, 10_000, 1));
        assertEquals(ReadinessView.READY, view.verdict(), view.reasons().toString());
        assertTrue(
                view.reasons().stream().noneMatch(r -> r.code().startsWith("quota")),
                view.reasons().toString());
    }

    @Test
    void aFullZoneIsNotReadyForASwitchThatCreatesItsRecordAndDegradedForOneThatDoesNot() {
        ReadinessView creates = withQuota(StepCheck.Quota.of(ZONE, 10_000, 10_000, 1));
        assertEquals(
                ReadinessView.NOT_READY, creates.verdict(), creates.reasons().toString());
        assertEquals("quota-headroom", creates.reasons().get(0).code());
        assertTrue(
                creates.reasons().get(0).message().contains("would be refused now"),
                creates.reasons().toString());

        ReadinessView upserts = withQuota(StepCheck.Quota.of(ZONE, 10_000, 10_000, 0));
        assertEquals(
                ReadinessView.DEGRADED, upserts.verdict(), upserts.reasons().toString());
        assertEquals("quota-headroom", upserts.reasons().get(0).code());
    }

    @Test
    void aLowerNotReadyThresholdHoldsBackASwitchThatWouldStillFit() {
        Runbook shop = runbook("");
        var strict = new ReadinessRules.Limits(Duration.ofHours(1), 2, 2, Optional.empty(), Optional.empty(), 80, 95);
        ReadinessView view = ReadinessRules.evaluate(
                shop,
                List.of(dnsInZone(StepCheck.Quota.of(ZONE, 9_600, 10_000, 1)), healthy()),
                history(shop, 2, 1),
                strict,
                NOW);
        assertEquals(ReadinessView.NOT_READY, view.verdict(), view.reasons().toString());
        assertTrue(
                view.reasons().get(0).message().contains("quota-not-ready-percent (95%)"),
                view.reasons().toString());
    }

    @Test
    void aQuotaTheApiDidNotAnswerIsNamedAsNotCheckedAndDoesNotDegrade() {
        ReadinessView view = withQuota(StepCheck.Quota.notChecked(
                ZONE, 1, "AccessDenied: not authorized to perform route53:GetHostedZoneLimit"));
        assertEquals(ReadinessView.READY, view.verdict(), view.reasons().toString());
        Reason reason = view.reasons().stream()
                .filter(r -> r.code().equals("quota-not-checked"))
                .findFirst()
                .orElseThrow();
        assertEquals("info", reason.severity());
        assertEquals("move-traffic", reason.step());
        assertTrue(reason.message().startsWith("quota not checked: " + ZONE + ": AccessDenied"), reason.message());
    }

    @Test
    void quotaThresholdsOutOfOrderAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> new ReadinessRules.Limits(Duration.ofHours(1), 2, 2, Optional.empty(), Optional.empty(), 90, 80));
    }

    @Test
    void aSwitchedRecordWithADayLongTtlIsDegradedNamingTheTtl() {
        Runbook shop = runbook("");
        ReadinessView view = ReadinessRules.evaluate(
                shop, List.of(dns(86_400, null), healthy()), history(shop, 2, 1), TWO_VANTAGES, NOW);
        assertEquals(ReadinessView.DEGRADED, view.verdict());
        Reason ttl = view.reasons().get(0);
        assertEquals("ttl-too-long", ttl.code());
        assertEquals("move-traffic", ttl.step());
        assertTrue(ttl.message().contains("86400s (1d)") && ttl.message().contains("a 1d failover"), ttl.message());
    }

    @Test
    void aStandbyThatDoesNotAnswerMakesItNotReadyWhateverElseHolds() {
        Runbook shop = runbook("");
        StepCheck down = StepCheck.notReady(
                "standby-answers", "health.check", "GET https://standby.example.net/healthz did not answer 200");
        ReadinessView view =
                ReadinessRules.evaluate(shop, List.of(dns(86_400, null), down), history(shop, 2, 1), TWO_VANTAGES, NOW);
        assertEquals(ReadinessView.NOT_READY, view.verdict());
        assertEquals("step-not-ready", view.reasons().get(0).code());
        assertEquals("ttl-too-long", view.reasons().get(1).code());
    }

    @Test
    void aPredictionOverTheRtoObjectiveAndALagOverTheRpoObjectiveDegrade() {
        Runbook shop = runbook("  objectives: { rto: 1m, rpo: 10s }");
        StepCheck lagging = new StepCheck(
                "standby-answers",
                "storage.check-replica",
                StepCheck.OK,
                List.of(),
                "RPO 25s",
                null,
                25.0,
                null,
                List.of());
        ReadinessView view =
                ReadinessRules.evaluate(shop, List.of(dns(60, null), lagging), history(shop, 40, 5), TWO_VANTAGES, NOW);
        assertEquals(ReadinessView.DEGRADED, view.verdict());
        assertEquals(
                List.of("rto-objective", "rpo-objective"),
                view.reasons().stream().map(Reason::code).toList());
        assertEquals(25.0, view.rpo().lagSeconds());
    }

    @Test
    void aControlPlaneInTheTriggerScopeAndASingleVantageDegrade() {
        Runbook shop = runbook("");
        var oneVantage = new ReadinessRules.Limits(
                Duration.ofHours(1), 1, 2, Optional.of("aws/eu-west-1"), Optional.of("gcp/europe-west1"), 80, 100);
        ReadinessView view = ReadinessRules.evaluate(
                shop, List.of(dns(60, "aws/eu-west-1"), healthy()), history(shop, 2, 1), oneVantage, NOW);
        assertEquals(
                List.of("control-plane-in-trigger-scope", "detector-vantages", "temporal-in-trigger-scope"),
                view.reasons().stream().map(Reason::code).toList());
    }

    @Test
    void withoutAPastTimeForEveryStepThereIsNoPredictionAndThatAloneDoesNotDegrade() {
        Runbook shop = runbook("  objectives: { rto: 1m }");
        ReadinessView view = ReadinessRules.evaluate(
                shop, List.of(dns(60, null), healthy()), Prediction.of(shop, List.of(), 30), TWO_VANTAGES, NOW);
        assertEquals(ReadinessView.READY, view.verdict());
        assertNull(view.prediction().p95Seconds());
        assertEquals(
                List.of("move-traffic", "standby-answers"), view.prediction().missing());
        assertEquals("no-prediction", view.reasons().get(0).code());
    }
}
