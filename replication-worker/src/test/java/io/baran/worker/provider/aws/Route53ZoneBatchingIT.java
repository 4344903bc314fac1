package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.DnsSetWeights;
import io.baran.worker.action.DnsSwitch;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Steps of a parallel group changing one Route 53 zone, run on several threads at once against moto: their
 * changes go in fewer change batches than steps, each step gets its own outcome, and a step whose record was
 * changed by hand fails alone.
 */
@Timeout(120)
class Route53ZoneBatchingIT {

    private static final String ZONE = "batch.test";
    private static final int STEPS = 8;

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto-batching");

    private static Route53Client direct;
    private static String zoneId;
    private static Providers providers;

    @BeforeAll
    static void connect() {
        direct = moto.client(Route53Client.builder(), Region.US_EAST_1);
        String id = direct.createHostedZone(b ->
                        b.name(ZONE + ".").callerReference(UUID.randomUUID().toString()))
                .hostedZone()
                .id();
        zoneId = id.substring(id.lastIndexOf('/') + 1);
        providers = moto.providers("us-east-1", moto.provider("aws-test", "us-east-1"));
    }

    @Test
    void parallelStepsOnOneZoneAreCoalescedAndEachGetsItsOwnOutcome() throws Exception {
        DnsSwitch dnsSwitch = new DnsSwitch(providers);
        List<Callable<StepOutcome>> steps = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            String record = "svc" + i;
            upsert(ResourceRecordSet.builder()
                    .name(record + "." + ZONE + ".")
                    .type("CNAME")
                    .ttl(300L)
                    .resourceRecords(ResourceRecord.builder()
                            .value("primary.example.net.")
                            .build())
                    .build());
            StepCommand command = switchTo(record, "standby" + i + ".example.net");
            StepPlan plan = dnsSwitch.plan(command);
            steps.add(() -> dnsSwitch.apply(command, plan));
        }
        // One step of the group shifts the weights of a weighted set in the same zone.
        setWeighted("primary", 100);
        setWeighted("standby", 0);
        DnsSetWeights setWeights = new DnsSetWeights(providers);
        StepCommand shift = new StepCommand(
                "exec-1",
                "shift",
                DnsSetWeights.NAME,
                Map.of(
                        "provider",
                        "aws-test",
                        "zone",
                        ZONE,
                        "record",
                        "weighted",
                        "type",
                        "CNAME",
                        "weights",
                        Map.of("primary", 0, "standby", 100)));
        StepPlan shiftPlan = setWeights.plan(shift);
        steps.add(() -> setWeights.apply(shift, shiftPlan));
        int before = Route53Dns.batchesSent(moto.endpoint() + zoneId);

        List<Object> outcomes = runTogether(steps);

        int batches = Route53Dns.batchesSent(moto.endpoint() + zoneId) - before;
        System.out.printf("%d parallel steps on zone %s went in %d change batch(es)%n", steps.size(), ZONE, batches);
        assertTrue(batches < steps.size(), batches + " batches for " + steps.size() + " steps: nothing was coalesced");
        for (int i = 0; i < STEPS; i++) {
            StepOutcome outcome = assertInstanceOf(StepOutcome.class, outcomes.get(i));
            assertTrue(outcome.changed(), outcome.summary());
            assertTrue(outcome.summary().contains("standby" + i + ".example.net."), outcome.summary());
            assertEquals("standby" + i + ".example.net.", value("svc" + i + "." + ZONE + ".", null));
        }
        assertTrue(assertInstanceOf(StepOutcome.class, outcomes.get(STEPS)).changed());
        assertEquals(100L, weight("standby"));
        assertEquals(0L, weight("primary"));
    }

    @Test
    void aStepWhoseRecordWasChangedByHandFailsAloneWhileTheOthersGoAhead() throws Exception {
        DnsSwitch dnsSwitch = new DnsSwitch(providers);
        List<Callable<StepOutcome>> steps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String record = "mixed" + i;
            upsert(ResourceRecordSet.builder()
                    .name(record + "." + ZONE + ".")
                    .type("CNAME")
                    .ttl(300L)
                    .resourceRecords(ResourceRecord.builder()
                            .value("primary.example.net.")
                            .build())
                    .build());
            StepCommand command = switchTo(record, "standby.example.net");
            StepPlan plan = dnsSwitch.plan(command);
            steps.add(() -> dnsSwitch.apply(command, plan));
        }
        upsert(ResourceRecordSet.builder()
                .name("mixed2." + ZONE + ".")
                .type("CNAME")
                .ttl(30L)
                .resourceRecords(
                        ResourceRecord.builder().value("by-hand.example.net.").build())
                .build());

        List<Object> outcomes = runTogether(steps);

        for (int i : new int[] {0, 1, 3}) {
            assertTrue(assertInstanceOf(StepOutcome.class, outcomes.get(i)).changed());
            assertEquals("standby.example.net.", value("mixed" + i + "." + ZONE + ".", null));
        }
        ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, outcomes.get(2));
        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertEquals("by-hand.example.net.", value("mixed2." + ZONE + ".", null), "never overwritten");
    }

    @Test
    void whileTheZoneIsBusyPlansAreAnsweredFromItsLastListingAndAQuietZoneIsReadAfresh() throws Exception {
        DnsSwitch dnsSwitch = new DnsSwitch(providers);
        Route53Dns dns = (Route53Dns) providers.dns("aws-test");
        DnsZone zone = dns.zone(ZONE + ".");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            upsert(cname("burst" + i, "primary.example.net."));
            keys.add(Route53Dns.RecordSets.key("burst" + i + "." + ZONE + ".", "CNAME"));
        }
        int reads = Route53Dns.readsMade(moto.endpoint() + zoneId);
        List<StepPlan> plans = withZoneBusy(dns, zone, () -> {
            dns.readSets(zone, keys); // one whole listing of the zone, as a batch's or a burst of plans' read makes
            upsert(cname("burst0", "by-hand.example.net.")); // someone changes a record by hand after it
            List<StepPlan> planned = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                planned.add(dnsSwitch.plan(switchTo("burst" + i, "standby.example.net")));
            }
            return planned;
        });

        assertEquals(reads, Route53Dns.readsMade(moto.endpoint() + zoneId), "six plans read the busy zone");
        assertTrue(
                plans.get(1).summary().contains("primary.example.net. (ttl 300) ->"),
                plans.get(1).summary());
        // The listing predates the change by hand: the plan expects the record as listed, and its change, checked
        // afresh in its batch, refuses to overwrite what was changed by hand.
        assertTrue(
                plans.get(0).summary().contains("primary.example.net. (ttl 300) ->"),
                plans.get(0).summary());
        ApplicationFailure refused = assertThrows(
                ApplicationFailure.class,
                () -> dnsSwitch.apply(switchTo("burst0", "standby.example.net"), plans.get(0)));
        assertEquals(FailureTypes.PLAN_UNSAFE, refused.getType());
        assertEquals("by-hand.example.net.", value("burst0." + ZONE + ".", null), "never overwritten");

        // A quiet zone is read afresh: the plan sees the change by hand.
        StepPlan fresh = dnsSwitch.plan(switchTo("burst0", "standby.example.net"));
        assertTrue(fresh.summary().contains("by-hand.example.net. (ttl 300) ->"), fresh.summary());
        dns.readSets(zone, keys);
        assertTrue(dnsSwitch
                .apply(switchTo("burst0", "standby.example.net"), fresh)
                .changed());

        // A record this worker changed is never answered from a listing begun before Route 53 accepted its change
        // (the listing just before the change).
        StepPlan afterOwnChange =
                withZoneBusy(dns, zone, () -> dnsSwitch.plan(switchTo("burst0", "other.example.net")));
        assertTrue(afterOwnChange.summary().contains("standby.example.net. (ttl 60) ->"), afterOwnChange.summary());
    }

    @Test
    void theNextBatchGoesWhileTheLastPropagatesAndEachStepEndsWhenItsOwnChangeIsInSync() throws Exception {
        // Route 53 answers GetChange PENDING for a while after it accepts a change; moto does not, the proxy does.
        try (Route53RateProxy proxy = Route53RateProxy.start(
                        WorkDirs.create("rate-proxy-propagating"), moto.endpoint(), 50, 50, "--insync-after", "8");
                Providers propagating = Providers.connect(
                        List.of(new ProviderSettings(
                                "aws-test", "aws", "us-east-1", Optional.of(URI.create(proxy.endpoint())), Map.of())),
                        ProviderContext.of(Duration.ofSeconds(30), Heartbeat.NONE))) {
            DnsSwitch dnsSwitch = new DnsSwitch(propagating);
            upsert(cname("first", "primary.example.net."));
            upsert(cname("second", "primary.example.net."));
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<StepOutcome> first = threads.submit(() -> switchNow(dnsSwitch, "first"));
                awaitProxy(proxy, seen -> seen.path("pending").asInt() >= 1, "the first change is PENDING");

                Future<StepOutcome> second = threads.submit(() -> switchNow(dnsSwitch, "second"));
                awaitProxy(
                        proxy,
                        seen -> seen.path("by_operation")
                                        .path("ChangeResourceRecordSets")
                                        .asInt()
                                == 2,
                        "the second change is sent while the first propagates");
                assertFalse(first.isDone(), "the first step ended before its change was INSYNC");
                assertEquals(
                        "standby.example.net.",
                        value("second." + ZONE + ".", null),
                        "the second change is made while the first is PENDING");

                assertTrue(first.get(60, TimeUnit.SECONDS).changed());
                assertTrue(second.get(60, TimeUnit.SECONDS).changed());
                assertEquals("standby.example.net.", value("first." + ZONE + ".", null));
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void stepsPlannedAndAppliedInOneCallArePlannedFromTheirBatchsReadAndRecordedBeforeTheirChange() throws Exception {
        DnsSwitch dnsSwitch = new DnsSwitch(providers);
        for (int i = 0; i < 5; i++) {
            upsert(cname("joint" + i, "primary.example.net."));
        }
        upsert(ResourceRecordSet.builder() // already as the step wants it
                .name("joint5." + ZONE + ".")
                .type("CNAME")
                .ttl(60L)
                .resourceRecords(
                        ResourceRecord.builder().value("standby.example.net.").build())
                .build());
        java.util.Set<String> recordedWhilePrimary = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<StepPlan> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Callable<StepOutcome>> steps = new ArrayList<>();
        List<io.baran.workflow.StepRun> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 6; i++) {
            String record = "joint" + i;
            StepCommand command = switchTo(record, "standby.example.net");
            steps.add(() -> {
                io.baran.workflow.StepRun run = dnsSwitch.planAndApply(command, plan -> {
                    // The recorder runs before the batch is sent: the record is still as planned.
                    if (value(record + "." + ZONE + ".", null).equals("primary.example.net.")) {
                        recordedWhilePrimary.add(record);
                    }
                    recorded.add(plan);
                });
                runs.add(run);
                return run.outcome();
            });
        }
        int reads = Route53Dns.readsMade(moto.endpoint() + zoneId);

        List<Object> outcomes = runTogether(steps);

        assertEquals(reads, Route53Dns.readsMade(moto.endpoint() + zoneId), "no step read the zone for its plan");
        for (int i = 0; i < 5; i++) {
            StepOutcome outcome = assertInstanceOf(StepOutcome.class, outcomes.get(i));
            assertTrue(outcome.changed(), outcome.summary());
            assertEquals(
                    "joint" + i + "." + ZONE
                            + ". CNAME primary.example.net. (ttl 300) -> standby.example.net. (ttl 60)",
                    outcome.summary());
            assertEquals("standby.example.net.", value("joint" + i + "." + ZONE + ".", null));
        }
        assertEquals(5, recorded.size(), "a plan recorded for each step that changes: " + recorded);
        assertEquals(java.util.Set.of("joint0", "joint1", "joint2", "joint3", "joint4"), recordedWhilePrimary);
        for (StepPlan plan : recorded) {
            assertEquals("primary.example.net.", ((List<?>) plan.observed().get("values")).get(0), plan.toString());
        }
        StepOutcome unchanged = assertInstanceOf(StepOutcome.class, outcomes.get(5));
        assertTrue(!unchanged.changed(), unchanged.summary());
        assertTrue(runs.stream()
                .anyMatch(r -> !r.plan().changes() && r.plan().step().equals("move-joint5")));

        // A recorder that cannot record fails its step alone, and nothing of that step is changed.
        upsert(cname("joint0", "primary.example.net."));
        upsert(cname("joint1", "primary.example.net."));
        List<Object> second = runTogether(List.of(
                () -> dnsSwitch
                        .planAndApply(switchTo("joint0", "standby.example.net"), plan -> {
                            throw ApplicationFailure.newFailure(
                                    "Temporal did not record it", FailureTypes.PLAN_NOT_RECORDED);
                        })
                        .outcome(),
                () -> dnsSwitch
                        .planAndApply(switchTo("joint1", "standby.example.net"), plan -> {})
                        .outcome()));
        assertEquals(
                FailureTypes.PLAN_NOT_RECORDED,
                assertInstanceOf(ApplicationFailure.class, second.get(0)).getType());
        assertEquals(
                "primary.example.net.", value("joint0." + ZONE + ".", null), "not changed without its plan recorded");
        assertTrue(assertInstanceOf(StepOutcome.class, second.get(1)).changed());
        assertEquals("standby.example.net.", value("joint1." + ZONE + ".", null));
    }

    @Test
    void aBatchFollowingAnotherIsPreparedFromTheListingAndRoute53RefusesItWhenARecordIsNoLongerAsListed()
            throws Exception {
        try (Route53RateProxy proxy =
                        Route53RateProxy.start(WorkDirs.create("rate-proxy-listing"), moto.endpoint(), 50, 50);
                Providers counted = Providers.connect(
                        List.of(new ProviderSettings(
                                "aws-test", "aws", "us-east-1", Optional.of(URI.create(proxy.endpoint())), Map.of())),
                        ProviderContext.of(Duration.ofSeconds(30), Heartbeat.NONE))) {
            DnsSwitch dnsSwitch = new DnsSwitch(counted);
            Route53Dns dns = (Route53Dns) counted.dns("aws-test");
            DnsZone zone = dns.zone(ZONE + ".");
            List<String> records = List.of("listed0", "listed1", "listed2", "listed3");
            List<String> keys = new ArrayList<>();
            Map<String, StepPlan> plans = new java.util.HashMap<>();
            for (String record : records) {
                upsert(cname(record, "primary.example.net."));
                keys.add(Route53Dns.RecordSets.key(record + "." + ZONE + ".", "CNAME"));
            }
            for (String record : records) {
                plans.put(record, dnsSwitch.plan(switchTo(record, "standby.example.net")));
            }
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                // Nothing changed since the zone's listing: the batch following the held one reads nothing.
                int[] before = new int[2];
                List<Future<StepOutcome>> first = withZoneBusy(dns, zone, () -> {
                    dns.readSets(zone, keys);
                    before[0] = operations(proxy, "ListResourceRecordSets");
                    before[1] = operations(proxy, "ChangeResourceRecordSets");
                    List<Future<StepOutcome>> queued = applyAll(threads, dnsSwitch, plans, "listed0", "listed1");
                    awaitQueued(dns.batcher(zone), 2);
                    return queued;
                });
                for (Future<StepOutcome> each : first) {
                    assertTrue(each.get(30, TimeUnit.SECONDS).changed());
                }
                assertEquals(before[0], operations(proxy, "ListResourceRecordSets"), "no read for the batch");
                assertEquals(before[1] + 1, operations(proxy, "ChangeResourceRecordSets"));
                assertEquals("standby.example.net.", value("listed0." + ZONE + ".", null));
                assertEquals("standby.example.net.", value("listed1." + ZONE + ".", null));

                // A record changed by hand after the listing: Route 53 refuses the batch prepared from the listing
                // (its DELETE names the values listed), the batch is read and prepared again, the step whose record
                // was changed fails alone, and what was changed by hand is never overwritten.
                List<Future<StepOutcome>> second = withZoneBusy(dns, zone, () -> {
                    dns.readSets(zone, keys);
                    upsert(cname("listed2", "by-hand.example.net."));
                    before[0] = operations(proxy, "ListResourceRecordSets");
                    before[1] = operations(proxy, "ChangeResourceRecordSets");
                    List<Future<StepOutcome>> queued = applyAll(threads, dnsSwitch, plans, "listed2", "listed3");
                    awaitQueued(dns.batcher(zone), 2);
                    return queued;
                });
                ExecutionException unsafe = assertThrows(
                        ExecutionException.class, () -> second.get(0).get(30, TimeUnit.SECONDS));
                assertEquals(FailureTypes.PLAN_UNSAFE, ((ApplicationFailure) unsafe.getCause()).getType());
                assertTrue(second.get(1).get(30, TimeUnit.SECONDS).changed());
                assertEquals("by-hand.example.net.", value("listed2." + ZONE + ".", null), "never overwritten");
                assertEquals("standby.example.net.", value("listed3." + ZONE + ".", null));
                assertEquals(before[0] + 1, operations(proxy, "ListResourceRecordSets"), "read once refused");
                assertEquals(before[1] + 2, operations(proxy, "ChangeResourceRecordSets"), "refused, then sent");
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private static List<Future<StepOutcome>> applyAll(
            ExecutorService threads, DnsSwitch dnsSwitch, Map<String, StepPlan> plans, String... records) {
        List<Future<StepOutcome>> running = new ArrayList<>();
        for (String record : records) {
            running.add(
                    threads.submit(() -> dnsSwitch.apply(switchTo(record, "standby.example.net"), plans.get(record))));
        }
        return running;
    }

    private static void awaitQueued(io.baran.worker.provider.ZoneBatcher<?, ?> batcher, int requests)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batcher.queued() < requests) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(requests + " requests not queued within 10 s: " + batcher.queued());
            }
            Thread.sleep(10);
        }
    }

    private static int operations(Route53RateProxy proxy, String operation) {
        return proxy.stats().path("by_operation").path(operation).asInt();
    }

    /** Runs {@code work} while the zone's batcher prepares a request that waits for it: the zone is busy. */
    private static <T> T withZoneBusy(Route53Dns dns, DnsZone zone, Callable<T> work) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        var hold = dns.batcher(zone).submit("held." + ZONE + ". cname", view -> {
            held.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        });
        try {
            assertTrue(held.await(30, TimeUnit.SECONDS), "the batcher never began the held request");
            return work.call();
        } finally {
            release.countDown();
            hold.get(30, TimeUnit.SECONDS);
        }
    }

    private static StepOutcome switchNow(DnsSwitch dnsSwitch, String record) {
        StepCommand command = switchTo(record, "standby.example.net");
        return dnsSwitch.apply(command, dnsSwitch.plan(command));
    }

    /** Waits (at most 6 s: less than the proxy's 8 s of propagation) until what the proxy saw satisfies the check. */
    private static void awaitProxy(Route53RateProxy proxy, Predicate<JsonNode> check, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        JsonNode seen = proxy.stats();
        while (!check.test(seen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 6 s: " + what + "; the proxy saw " + seen);
            }
            Thread.sleep(50);
            seen = proxy.stats();
        }
    }

    private static ResourceRecordSet cname(String record, String value) {
        return ResourceRecordSet.builder()
                .name(record + "." + ZONE + ".")
                .type("CNAME")
                .ttl(300L)
                .resourceRecords(ResourceRecord.builder().value(value).build())
                .build();
    }

    /** Starts every step at the same moment, each on its own thread; returns each outcome or the failure it threw. */
    private static List<Object> runTogether(List<Callable<StepOutcome>> steps) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(steps.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StepOutcome>> running = new ArrayList<>();
            for (Callable<StepOutcome> step : steps) {
                running.add(threads.submit(() -> {
                    start.await();
                    return step.call();
                }));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<StepOutcome> each : running) {
                try {
                    outcomes.add(each.get(60, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    outcomes.add(e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a step did not end within 60 s", e);
                }
            }
            return outcomes;
        } finally {
            threads.shutdownNow();
        }
    }

    private static StepCommand switchTo(String record, String to) {
        return new StepCommand(
                "exec-1",
                "move-" + record,
                DnsSwitch.NAME,
                Map.of("provider", "aws-test", "zone", ZONE, "record", record, "type", "CNAME", "to", to, "ttl", 60));
    }

    private static void setWeighted(String setId, long weight) {
        upsert(ResourceRecordSet.builder()
                .name("weighted." + ZONE + ".")
                .type("CNAME")
                .ttl(60L)
                .setIdentifier(setId)
                .weight(weight)
                .resourceRecords(
                        ResourceRecord.builder().value(setId + ".example.net.").build())
                .build());
    }

    private static void upsert(ResourceRecordSet set) {
        direct.changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
                .changeBatch(batch ->
                        batch.changes(c -> c.action(ChangeAction.UPSERT).resourceRecordSet(set))));
    }

    private static ResourceRecordSet find(String fqdn, String setId) {
        return direct.listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets().stream()
                .filter(s -> s.name().equalsIgnoreCase(fqdn)
                        && s.typeAsString().equals("CNAME")
                        && java.util.Objects.equals(s.setIdentifier(), setId))
                .findFirst()
                .orElseThrow();
    }

    private static String value(String fqdn, String setId) {
        return find(fqdn, setId).resourceRecords().get(0).value();
    }

    private static long weight(String setId) {
        return find("weighted." + ZONE + ".", setId).weight();
    }
}
