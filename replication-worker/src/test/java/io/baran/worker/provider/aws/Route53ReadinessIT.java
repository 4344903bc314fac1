package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.baran.egress.EgressPolicy;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.ActionRegistry;
import io.baran.worker.action.DnsSwitch;
import io.baran.worker.action.HealthCheck;
import io.baran.worker.budget.ApiBudget;
import io.baran.worker.budget.BucketStore;
import io.baran.worker.budget.CallPriority;
import io.baran.worker.budget.Limit;
import io.baran.worker.budget.LocalBuckets;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.Providers;
import io.baran.worker.readiness.ReadinessChecks;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/** Readiness deep checks against a real moto Route 53 and a real standby on 127.0.0.1: they read, never change. */
@Timeout(120)
class Route53ReadinessIT {

    static final String ZONE = "ready.test";

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto-readiness");

    private static Route53Client direct;
    private static String zoneId;
    private static ReadinessChecks checks;

    private HttpServer standby;

    @BeforeAll
    static void connect() {
        direct = moto.client(Route53Client.builder(), Region.US_EAST_1);
        zoneId = direct.createHostedZone(b ->
                        b.name(ZONE + ".").callerReference(UUID.randomUUID().toString()))
                .hostedZone()
                .id();
        Providers providers = moto.providers("us-east-1", moto.provider("aws-test", "us-east-1"));
        checks = new ReadinessChecks(new ActionRegistry(List.of(
                new DnsSwitch(providers),
                new HealthCheck(Heartbeat.NONE, EgressPolicy.defaults().allowing(List.of("127.0.0.1"))))));
    }

    @AfterEach
    void stopStandby() {
        if (standby != null) {
            standby.stop(0);
        }
    }

    @Test
    void aSwitchedRecordIsPlannedNotChangedAndItsCurrentTtlIsReported() {
        setRecord("www." + ZONE + ".", "primary.example.net.", 86_400);

        StepCheck check = checks.check(dnsSwitch("aws-test"));

        assertEquals(StepCheck.OK, check.status(), check.toString());
        assertEquals(86_400L, check.ttlSeconds());
        assertEquals("aws/us-east-1", check.controlPlaneRegion());
        assertEquals(List.of("primary.example.net."), values("www." + ZONE + "."), "readiness changed the record");
    }

    @Test
    void aQuotaTheEmulatorDoesNotReportIsNamedAsNotCheckedWithoutFailingTheStep() {
        setRecord("www." + ZONE + ".", "primary.example.net.", 60);

        StepCheck check = checks.check(dnsSwitch("aws-test"));

        // moto has no GetHostedZoneLimit (Route53QuotaReadinessIT puts it in front); a real account without
        // route53:GetHostedZoneLimit answers AccessDenied the same way.
        assertEquals(StepCheck.OK, check.status(), check.toString());
        assertEquals(1, check.quotas().size(), check.toString());
        StepCheck.Quota quota = check.quotas().get(0);
        assertNull(quota.used());
        assertTrue(quota.notChecked().contains("GetHostedZoneLimit"), quota.notChecked());
        assertTrue(quota.quota().contains(ZONE + "."), quota.quota());
    }

    @Test
    void aChecksLookUpsThatStepsShareAreNotBackgroundCallsItsOwnReadIs() {
        setRecord("www." + ZONE + ".", "primary.example.net.", 60);
        // The tier of every call that asks the budget for a token.
        List<Integer> tiers = new CopyOnWriteArrayList<>();
        LocalBuckets local = new LocalBuckets();
        BucketStore recording = new BucketStore() {
            @Override
            public Duration tryTake(String bucket, Limit limit) {
                tiers.add(CallPriority.current());
                return local.tryTake(bucket, limit);
            }

            @Override
            public String describe() {
                return "recording";
            }
        };
        try (Providers own = Providers.connect(
                List.of(moto.provider("aws-tiers", "us-east-1")),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE, new ApiBudget(recording)))) {
            StepCheck check =
                    new ReadinessChecks(new ActionRegistry(List.of(new DnsSwitch(own)))).check(dnsSwitch("aws-tiers"));

            assertEquals(StepCheck.OK, check.status(), check.toString());
            // The zone's look-up (and its quota's) may hold up a step of the zone waiting for the same answer: made at
            // the default tier. The record's read is the check's alone: a background call.
            assertTrue(tiers.contains(CallPriority.DEFAULT), tiers.toString());
            assertTrue(tiers.contains(CallPriority.BACKGROUND), tiers.toString());
        }
    }

    @Test
    void aProviderThatCannotBeReachedMakesTheStepNotReadyNamingWhy() {
        StepCheck check = checks.check(dnsSwitch(MotoFixture.UNREACHABLE));

        assertEquals(StepCheck.NOT_READY, check.status(), check.toString());
        assertEquals(1, check.reasons().size());
        assertNull(check.ttlSeconds());
    }

    @Test
    void aStoppedStandbyIsNotReadyAndReadyAgainOnceItAnswers() throws IOException {
        standby = startStandby(0);
        int port = standby.getAddress().getPort();
        StepCommand health = new StepCommand(
                "readiness-shop",
                "standby-answers",
                "health.check",
                Map.of("url", "http://127.0.0.1:" + port + "/healthz", "expect", 200, "within", "2m"));
        assertEquals(StepCheck.OK, checks.check(health).status());

        standby.stop(0);
        StepCheck down = checks.check(health);
        assertEquals(StepCheck.NOT_READY, down.status(), down.toString());
        assertTrue(
                down.reasons().get(0).contains("http://127.0.0.1:" + port + "/healthz"),
                down.reasons().toString());
        assertTrue(down.reasons().get(0).contains("within 5s"), down.reasons().toString());

        standby = startStandby(port);
        assertEquals(StepCheck.OK, checks.check(health).status());
    }

    @Test
    void aStepThatCallsNoProviderSaysItIsNotChecked() {
        StepCheck check = checks.check(new StepCommand("readiness-shop", "settle", "wait", Map.of("for", "1s")));
        assertEquals(StepCheck.NOT_CHECKED, check.status());
    }

    private static StepCommand dnsSwitch(String provider) {
        return dnsSwitch(provider, ZONE, "www");
    }

    /** A readiness check's command for a step switching {@code record} of {@code zone} to standby.example.net. */
    static StepCommand dnsSwitch(String provider, String zone, String record) {
        return new StepCommand(
                "readiness-shop",
                "move-traffic",
                "dns.switch",
                Map.of(
                        "provider",
                        provider,
                        "zone",
                        zone,
                        "record",
                        record,
                        "type",
                        "CNAME",
                        "to",
                        List.of("standby.example.net"),
                        "ttl",
                        60));
    }

    private static HttpServer startStandby(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static void setRecord(String fqdn, String value, long ttl) {
        setRecord(direct, zoneId, fqdn, value, ttl);
    }

    /** Sets a CNAME in moto directly, as a person would. */
    static void setRecord(Route53Client direct, String zoneId, String fqdn, String value, long ttl) {
        direct.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
                .changeBatch(batch -> batch.changes(c -> c.action(ChangeAction.UPSERT)
                        .resourceRecordSet(ResourceRecordSet.builder()
                                .name(fqdn)
                                .type("CNAME")
                                .ttl(ttl)
                                .resourceRecords(
                                        ResourceRecord.builder().value(value).build())
                                .build()))));
    }

    private static List<String> values(String fqdn) {
        return direct.listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets().stream()
                .filter(s -> s.name().equalsIgnoreCase(fqdn) && s.typeAsString().equals("CNAME"))
                .flatMap(s -> s.resourceRecords().stream().map(ResourceRecord::value))
                .toList();
    }
}
