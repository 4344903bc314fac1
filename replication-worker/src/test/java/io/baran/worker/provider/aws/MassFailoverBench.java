package io.baran.worker.provider.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.DnsSwitch;
import io.baran.worker.budget.BudgetedCalls;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * The worker's side of a mass failover, measured (not a test: surefire runs it only when named, from
 * bench/mass-failover-bench.sh). N protected services, one Route 53 CNAME each, in Z zones of moto behind
 * {@code route53_rate_proxy.py} (5 requests/s per account, Throttling beyond). "Outage": every service's dns.switch
 * step is planned and applied at once, as the worker's activities PlanStep and ApplyStep do it, on as many threads as a
 * worker runs activities (Temporal's default, 200); "recovery": every step undone (UndoStep). Prints the time from the
 * first step to the last record switched and restored, throttled answers, failed steps and calls by operation.
 * Temporal, the orchestrator and its dispatch are not part of it.
 */
class MassFailoverBench {

    private static final int SERVICES = Integer.getInteger("bench.services", 1000);
    private static final int ZONES = Integer.getInteger("bench.zones", 1);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 1000);
    private static final double RATE = Double.parseDouble(System.getProperty("bench.rate", "5"));

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto-bench");

    @Test
    void massFailover() throws Exception {
        Route53Client direct = moto.client(Route53Client.builder(), Region.US_EAST_1);
        Map<Integer, String> zoneIds = new HashMap<>();
        for (int z = 0; z < ZONES; z++) {
            int zz = z;
            String id = direct.createHostedZone(b -> b.name(zoneName(zz) + ".")
                            .callerReference(UUID.randomUUID().toString()))
                    .hostedZone()
                    .id();
            zoneIds.put(z, id.substring(id.lastIndexOf('/') + 1));
        }
        for (int z = 0; z < ZONES; z++) {
            List<Change> records = new ArrayList<>();
            for (int i = z; i < SERVICES; i += ZONES) {
                records.add(Change.builder()
                        .action(ChangeAction.CREATE)
                        .resourceRecordSet(ResourceRecordSet.builder()
                                .name("svc" + i + "." + zone(i) + ".")
                                .type("CNAME")
                                .ttl(60L)
                                .resourceRecords(ResourceRecord.builder()
                                        .value("primary" + i + ".example.net.")
                                        .build())
                                .build())
                        .build());
            }
            direct.changeResourceRecordSets(
                    b -> b.hostedZoneId(zoneIds.get(zz(records))).changeBatch(c -> c.changes(records)));
        }
        try (Route53RateProxy proxy =
                        Route53RateProxy.start(WorkDirs.create("bench-proxy"), moto.endpoint(), RATE, (int) RATE);
                Providers providers = Providers.connect(
                        List.of(new ProviderSettings(
                                "aws-bench",
                                "aws",
                                "us-east-1",
                                Optional.of(URI.create(proxy.endpoint())),
                                Map.of("api-account", "bench"))),
                        ProviderContext.of(Duration.ofSeconds(60), Heartbeat.NONE))) {
            DnsSwitch dnsSwitch = new DnsSwitch(providers);
            ExecutorService threads = Executors.newFixedThreadPool(CONCURRENCY);
            StepPlan[] plans = new StepPlan[SERVICES];
            AtomicInteger failed = new AtomicInteger();
            long throttledBefore = BudgetedCalls.throttledAnswers();

            long start = System.nanoTime();
            AtomicLong last = new AtomicLong();
            run(
                    threads,
                    i -> {
                        StepPlan plan = dnsSwitch.plan(command(i));
                        dnsSwitch.apply(command(i), plan);
                        plans[i] = plan;
                        last.accumulateAndGet(System.nanoTime(), Math::max);
                    },
                    failed);
            double switched = (last.get() - start) / 1e9;
            JsonNode afterOutage = proxy.stats();

            long recoveryStart = System.nanoTime();
            last.set(0);
            AtomicInteger failedUndo = new AtomicInteger();
            run(
                    threads,
                    i -> {
                        if (plans[i] != null) {
                            dnsSwitch.undo(command(i), plans[i]);
                            last.accumulateAndGet(System.nanoTime(), Math::max);
                        }
                    },
                    failedUndo);
            double restored = (last.get() - recoveryStart) / 1e9;
            threads.shutdownNow();
            JsonNode afterRecovery = proxy.stats();

            int notRestored = 0;
            for (int z = 0; z < ZONES; z++) {
                int zz = z;
                Map<String, String> values = new HashMap<>();
                String next = null;
                do {
                    String from = next;
                    var page = direct.listResourceRecordSets(b -> {
                        b.hostedZoneId(zoneIds.get(zz)).maxItems("300");
                        if (from != null) {
                            b.startRecordName(from).startRecordType("CNAME");
                        }
                    });
                    page.resourceRecordSets().stream()
                            .filter(s -> "CNAME".equals(s.typeAsString()))
                            .forEach(s -> values.put(
                                    s.name(), s.resourceRecords().get(0).value()));
                    next = Boolean.TRUE.equals(page.isTruncated()) ? page.nextRecordName() : null;
                } while (next != null);
                for (int i = z; i < SERVICES; i += ZONES) {
                    if (!("primary" + i + ".example.net.").equals(values.get("svc" + i + "." + zone(i) + "."))) {
                        notRestored++;
                    }
                }
            }
            System.out.printf(
                    "%nBENCH services=%d zones=%d concurrency=%d proxy=%.0f req/s per account%n",
                    SERVICES, ZONES, CONCURRENCY, RATE);
            System.out.printf(
                    "BENCH outage:   last record switched after %.1f s, failed steps %d, throttled answers %d, proxy %s%n",
                    switched, failed.get(), afterOutage.path("throttled").asInt(), afterOutage.path("by_operation"));
            System.out.printf(
                    "BENCH recovery: last record restored after %.1f s, failed undos %d, not restored %d, proxy total %s%n",
                    restored, failedUndo.get(), notRestored, afterRecovery);
            System.out.printf(
                    "BENCH throttled answers waited out by the worker: %d%n",
                    BudgetedCalls.throttledAnswers() - throttledBefore);
        }
    }

    private static int zz(List<Change> records) {
        String name = records.get(0).resourceRecordSet().name();
        return Integer.parseInt(name.substring(3, name.indexOf('.'))) % ZONES;
    }

    private static String zoneName(int z) {
        return "z" + z + ".bench.test";
    }

    private static String zone(int service) {
        return zoneName(service % ZONES);
    }

    private static StepCommand command(int i) {
        return new StepCommand(
                "exec-" + i,
                "switch",
                DnsSwitch.NAME,
                Map.of(
                        "provider",
                        "aws-bench",
                        "zone",
                        zone(i),
                        "record",
                        "svc" + i,
                        "type",
                        "CNAME",
                        "to",
                        List.of("standby" + i + ".example.net"),
                        "ttl",
                        60));
    }

    private interface Step {
        void run(int service) throws Exception;
    }

    private static void run(ExecutorService threads, Step step, AtomicInteger failed) throws Exception {
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < SERVICES; i++) {
            int n = i;
            running.add(threads.submit(() -> {
                try {
                    step.run(n);
                } catch (Exception | AssertionError e) {
                    failed.incrementAndGet();
                    System.out.println("BENCH failed step svc" + n + ": " + e.getMessage());
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(10, TimeUnit.MINUTES);
        }
    }
}
