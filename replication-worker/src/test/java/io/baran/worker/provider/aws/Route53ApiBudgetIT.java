package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.DnsSwitch;
import io.baran.worker.budget.ApiBudget;
import io.baran.worker.budget.LocalBuckets;
import io.baran.worker.budget.PostgresBuckets;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Route 53 behind a proxy that answers like Route 53 past five requests per second per account. Two worker replicas
 * (two sets of providers, each with its own connection to the shared buckets in PostgreSQL) switch records of one zone
 * at the same time: together they stay within the account's rate (the proxy throttles none of their calls), their
 * changes are coalesced into fewer batches than steps, and every step gets its own outcome. Without the shared budget,
 * the proxy throttles them, and every step still succeeds: throttled answers are waited out and sent again.
 */
@Timeout(300)
class Route53ApiBudgetIT {

    private static final String ZONE = "budget.test";
    private static final int PER_REPLICA = 30;

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto-budget");

    private static PostgresServer postgres;
    private static Route53Client direct;

    @BeforeAll
    static void start() {
        postgres = PostgresServer.start(WorkDirs.create("postgres-budget"));
        direct = moto.client(Route53Client.builder(), Region.US_EAST_1);
        String id = direct.createHostedZone(b ->
                        b.name(ZONE + ".").callerReference(UUID.randomUUID().toString()))
                .hostedZone()
                .id();
        String zoneId = id.substring(id.lastIndexOf('/') + 1);
        List<Change> records = new ArrayList<>();
        for (int i = 0; i < 4 * PER_REPLICA; i++) {
            records.add(Change.builder()
                    .action(ChangeAction.CREATE)
                    .resourceRecordSet(ResourceRecordSet.builder()
                            .name("svc" + i + "." + ZONE + ".")
                            .type("CNAME")
                            .ttl(60L)
                            .resourceRecords(ResourceRecord.builder()
                                    .value("primary.example.net.")
                                    .build())
                            .build())
                    .build());
        }
        direct.changeResourceRecordSets(b -> b.hostedZoneId(zoneId).changeBatch(c -> c.changes(records)));
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void twoReplicasSharingTheBudgetStayWithinTheAccountsRateAndCoalesceTheirChanges() throws Exception {
        // An account allowed two calls a second, and a budget set to match (a burst of one: one token of slack for
        // jitter).
        // Each replica alone would call at that rate: only a budget they share keeps them within it together.
        Map<String, String> matching = Map.of("api-budget.route53.rate", "2", "api-budget.route53.burst", "1");
        try (Route53RateProxy proxy =
                        Route53RateProxy.start(WorkDirs.create("rate-proxy-shared"), moto.endpoint(), 2, 2);
                Providers replicaA = replica(proxy, sharedBudget(), matching);
                Providers replicaB = replica(proxy, sharedBudget(), matching)) {

            List<StepOutcome> outcomes = switchAll(List.of(replicaA, replicaB), 0);

            JsonNode seen = proxy.stats();
            System.out.println("proxy saw, with the shared budget: " + seen);
            assertEquals(
                    0,
                    seen.path("throttled").asInt(),
                    "the proxy throttled calls of replicas sharing the budget: " + seen);
            assertSwitched(outcomes, 0);
            int changeCalls =
                    seen.path("by_operation").path("ChangeResourceRecordSets").asInt();
            assertTrue(
                    changeCalls > 0 && changeCalls < outcomes.size() / 2,
                    changeCalls + " change batches for " + outcomes.size()
                            + " steps: the changes of concurrent steps were not coalesced");
        }
    }

    @Test
    void throttledAnswersAreWaitedOutAndEveryStepSucceeds() throws Exception {
        // Each replica believes it may call 50 times a second on its own, the account allows one: the proxy throttles,
        // the
        // steps must not fail.
        Map<String, String> tooFast = Map.of("api-budget.route53.rate", "50", "api-budget.route53.burst", "50");
        try (Route53RateProxy proxy = Route53RateProxy.start(
                        WorkDirs.create("rate-proxy-throttling"),
                        moto.endpoint(),
                        1,
                        1,
                        "--prior-request-not-complete",
                        "2");
                Providers replicaA = replica(proxy, new ApiBudget(new LocalBuckets()), tooFast);
                Providers replicaB = replica(proxy, new ApiBudget(new LocalBuckets()), tooFast)) {

            List<StepOutcome> outcomes = switchAll(List.of(replicaA, replicaB), 2 * PER_REPLICA);

            JsonNode seen = proxy.stats();
            System.out.println("proxy saw, with a budget above its limit: " + seen);
            assertTrue(
                    seen.path("throttled").asInt() > 0,
                    "the proxy throttled nothing, so this test proves nothing: " + seen);
            assertEquals(2, seen.path("prior_request_not_complete").asInt(), seen.toString());
            assertSwitched(outcomes, 2 * PER_REPLICA);
        }
    }

    /** A replica's own connection to the buckets in PostgreSQL, which two replicas share. */
    private static ApiBudget sharedBudget() {
        return new ApiBudget(new PostgresBuckets(
                postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD, Duration.ofSeconds(2), 2));
    }

    private static Providers replica(Route53RateProxy proxy, ApiBudget budget, Map<String, String> options) {
        Map<String, String> all = new java.util.HashMap<>(options);
        all.put("api-account", "shop-prod");
        return Providers.connect(
                List.of(new ProviderSettings(
                        "aws-test", "aws", "us-east-1", Optional.of(URI.create(proxy.endpoint())), all)),
                ProviderContext.of(Duration.ofSeconds(30), Heartbeat.NONE, budget));
    }

    /** Plans and applies a switch of each record of the range, PER_REPLICA per replica, all at once. */
    private static List<StepOutcome> switchAll(List<Providers> replicas, int first) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(replicas.size() * PER_REPLICA);
        try {
            List<Future<StepOutcome>> running = new ArrayList<>();
            for (int r = 0; r < replicas.size(); r++) {
                DnsSwitch dnsSwitch = new DnsSwitch(replicas.get(r));
                for (int i = 0; i < PER_REPLICA; i++) {
                    int n = first + r * PER_REPLICA + i;
                    StepCommand command = new StepCommand(
                            "exec-" + n,
                            "switch",
                            DnsSwitch.NAME,
                            Map.of(
                                    "provider",
                                    "aws-test",
                                    "zone",
                                    ZONE,
                                    "record",
                                    "svc" + n,
                                    "type",
                                    "CNAME",
                                    "to",
                                    List.of("standby" + n + ".example.net"),
                                    "ttl",
                                    60));
                    Callable<StepOutcome> step = () -> {
                        StepPlan plan = dnsSwitch.plan(command);
                        return dnsSwitch.apply(command, plan);
                    };
                    running.add(threads.submit(step));
                }
            }
            List<StepOutcome> outcomes = new ArrayList<>();
            for (Future<StepOutcome> f : running) {
                outcomes.add(f.get(240, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            threads.shutdownNow();
        }
    }

    private static void assertSwitched(List<StepOutcome> outcomes, int first) {
        for (int i = 0; i < outcomes.size(); i++) {
            int n = first + i;
            assertTrue(outcomes.get(i).changed(), outcomes.get(i).summary());
            assertTrue(
                    outcomes.get(i).summary().contains("standby" + n + ".example.net."),
                    outcomes.get(i).summary());
            String name = "svc" + n + "." + ZONE + ".";
            List<ResourceRecordSet> sets = direct.listResourceRecordSets(b -> b.hostedZoneId(zoneId())
                            .startRecordName(name)
                            .startRecordType("CNAME")
                            .maxItems("1"))
                    .resourceRecordSets();
            assertEquals(
                    "standby" + n + ".example.net.",
                    sets.get(0).resourceRecords().get(0).value(),
                    name);
        }
    }

    private static String zoneId() {
        String id = direct.listHostedZonesByName(b -> b.dnsName(ZONE + "."))
                .hostedZones()
                .get(0)
                .id();
        return id.substring(id.lastIndexOf('/') + 1);
    }
}
