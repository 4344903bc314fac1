package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.action.ActionRegistry;
import io.baran.worker.action.DnsSwitch;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.readiness.ReadinessChecks;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The record-set quota readiness reads for a {@code dns.switch} step: {@code GetHostedZoneLimit} with
 * {@code MAX_RRSETS_BY_ZONE}, answered by {@link FakeRoute53Limits} in front of a real moto (which lacks the call) with
 * the count of the zone as moto keeps it; every other call goes to moto. Whether the quota degrades the runbook is the
 * orchestrator's rule (ReadinessRulesTest, ReadinessIT); here: what the worker reads, and that it never fails the step.
 */
@Timeout(120)
class Route53QuotaReadinessIT {

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto-quota-readiness");

    private static Route53Client direct;
    private static FakeRoute53Limits limits;
    private static ReadinessChecks checks;

    @BeforeAll
    static void connect() {
        direct = moto.client(Route53Client.builder(), Region.US_EAST_1);
        limits = FakeRoute53Limits.inFrontOf(moto.endpoint(), direct);
        Providers providers = moto.providers(
                "us-east-1",
                new ProviderSettings(
                        "aws-quota", "aws", "us-east-1", Optional.of(URI.create(limits.endpoint())), Map.of()));
        checks = new ReadinessChecks(new ActionRegistry(List.of(new DnsSwitch(providers))));
    }

    @AfterAll
    static void stop() {
        if (limits != null) {
            limits.close();
        }
    }

    @Test
    void aNearlyFullZoneIsReportedWithTheCountRoute53KeepsAndItsLimit() {
        String zoneId = zone("nearly-full.test", 7);
        long count = recordSets(zoneId);
        limits.limit(zoneId, count + 1);

        StepCheck check = checks.check(dnsSwitch("nearly-full.test", "www0"));

        assertEquals(StepCheck.OK, check.status(), check.toString());
        StepCheck.Quota quota = only(check);
        assertEquals(count, quota.used());
        assertEquals(count + 1, quota.limit());
        assertEquals(0, quota.needs(), "www0 exists: the switch adds no record set");
        assertTrue(
                quota.quota().contains("nearly-full.test.") && quota.quota().contains("MAX_RRSETS_BY_ZONE"),
                quota.quota());
    }

    @Test
    void aRoomyZoneReportsRoute53sDefaultLimit() {
        String zoneId = zone("roomy.test", 1);

        StepCheck.Quota quota = only(checks.check(dnsSwitch("roomy.test", "www0")));

        assertEquals(recordSets(zoneId), quota.used());
        assertEquals(FakeRoute53Limits.DEFAULT_LIMIT, quota.limit());
    }

    @Test
    void aSwitchThatCreatesItsRecordInAFullZoneNeedsOneMoreRecordSetThanThereIsRoomFor() {
        String zoneId = zone("full.test", 2);
        limits.limit(zoneId, recordSets(zoneId));

        StepCheck check = checks.check(dnsSwitch("full.test", "new-www"));

        assertEquals(StepCheck.OK, check.status(), "readiness plans, it does not apply: " + check);
        StepCheck.Quota quota = only(check);
        assertEquals(1, quota.needs(), "new-www is absent: the switch must create it");
        assertEquals(quota.limit(), quota.used());
    }

    @Test
    void checksOfOneZoneAskRoute53ForItsQuotaOnceAMinuteHoweverManyAskAtOnceAndARefusalToo() throws Exception {
        String allowed = bare(zone("many-checks.test", 3));
        String refused = bare(zone("refused-checks.test", 3));
        java.util.function.Function<String, List<java.util.concurrent.Callable<StepCheck>>> checksOf = zone -> {
            List<java.util.concurrent.Callable<StepCheck>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String record = "www" + (i % 3);
                all.add(() -> checks.check(dnsSwitch(zone, record)));
            }
            return all;
        };
        var pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            for (var done :
                    pool.invokeAll(checksOf.apply("many-checks.test"), 60, java.util.concurrent.TimeUnit.SECONDS)) {
                assertNotNull(only(done.get()).limit(), "every check reports the quota");
            }
            limits.deny(true);
            for (var done :
                    pool.invokeAll(checksOf.apply("refused-checks.test"), 60, java.util.concurrent.TimeUnit.SECONDS)) {
                assertTrue(only(done.get()).notChecked().contains("AccessDenied"), "every check names the refusal");
            }
        } finally {
            limits.deny(false);
            pool.shutdownNow();
        }
        assertEquals(1, limits.asked.stream().filter(allowed::equals).count(), "one GetHostedZoneLimit for 12 checks");
        assertEquals(
                1,
                limits.asked.stream().filter(refused::equals).count(),
                "a refused GetHostedZoneLimit is not asked again by the next 11 checks");
    }

    private static String bare(String zoneId) {
        return zoneId.substring(zoneId.lastIndexOf('/') + 1);
    }

    @Test
    void aMissingPermissionForTheQuotaNamesItAsNotCheckedAndTheStepStaysReady() {
        zone("denied.test", 1);
        limits.deny(true);
        try {
            StepCheck check = checks.check(dnsSwitch("denied.test", "www0"));

            assertEquals(StepCheck.OK, check.status(), check.toString());
            StepCheck.Quota quota = only(check);
            assertNull(quota.used());
            assertTrue(
                    quota.notChecked().contains("AccessDenied")
                            && quota.notChecked().contains("GetHostedZoneLimit"),
                    quota.notChecked());
        } finally {
            limits.deny(false);
        }
    }

    private static StepCheck.Quota only(StepCheck check) {
        assertEquals(1, check.quotas().size(), check.toString());
        return check.quotas().get(0);
    }

    /** A zone made in moto directly with {@code records} CNAMEs www0, www1, ...; answers its id. */
    private static String zone(String name, int records) {
        String id = direct.createHostedZone(b ->
                        b.name(name + ".").callerReference(UUID.randomUUID().toString()))
                .hostedZone()
                .id();
        for (int i = 0; i < records; i++) {
            Route53ReadinessIT.setRecord(direct, id, "www" + i + "." + name + ".", "primary.example.net.", 60);
        }
        assertEquals(records + 2, recordSets(id), "the zone's SOA, NS and CNAMEs as moto counts them");
        return id;
    }

    private static long recordSets(String zoneId) {
        return direct.getHostedZone(b -> b.id(zoneId)).hostedZone().resourceRecordSetCount();
    }

    private static StepCommand dnsSwitch(String zone, String record) {
        return Route53ReadinessIT.dnsSwitch("aws-quota", zone, record);
    }
}
