package io.baran.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.testinfra.FaultProxy;
import io.baran.testinfra.KafkaBroker;
import io.baran.testinfra.MotoServer;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.Polling;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.TemporalDevServer;
import io.baran.testinfra.WorkDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * The fault suite (issue #17): runs of drills and of outage-triggered failovers and recoveries on the packaged services,
 * two orchestrator replicas in one consumer group, against moto's Route 53 behind a {@link FaultProxy}, while a seeded
 * random schedule kills (SIGKILL) and restarts an orchestrator replica, the worker, the detector, the Temporal dev server
 * (its state in a file) and the Kafka broker, restarts PostgreSQL, delivers outage events again, and breaks provider
 * answers (429, PriorRequestNotComplete, 500, 503, resets before and after the change, slow answers). After every run
 * it checks the invariants of {@code docs/reliability.md} and at the end prints a table of runs, faults and
 * invariants; a violated invariant fails the test, naming the run and the seed.
 *
 * <p>The first run is always the same: an outage whose event is on the topic when the replica the group gave it to is
 * killed (SIGKILL); that replica stays down until the other is given the partition and finishes the dispatch, and the
 * event is later delivered again: one execution per runbook.
 *
 * <p>{@code -Dbaran.faults.runs=N} (default 2, the CI's short mode) and {@code -Dbaran.faults.seed=S} (default: a new
 * one, printed) choose the runs; {@code bench/fault-soak.sh} runs the soak.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultSuiteIT {

    private static final int RUNS = Integer.getInteger("baran.faults.runs", 2);
    private static final long SEED = Long.getLong("baran.faults.seed", System.nanoTime() & 0xffff_ffffL);
    /** An execution that has not ended this long after its run began is stuck. */
    private static final Duration BOUND = Duration.ofSeconds(Long.getLong("baran.faults.bound-seconds", 240));

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A change that sets a record's value: a CREATE or an UPSERT (a DELETE names the value it removes). */
    private static final Pattern CHANGE = Pattern.compile(
            "<Change>\\s*<Action>(?:CREATE|UPSERT)</Action>.*?<Name>(.*?)</Name>.*?<Value>(.*?)</Value>.*?</Change>",
            Pattern.DOTALL);

    /** A record a runbook switches: its name and type, and its value and TTL before and after. */
    private record Switched(String runbook, String name, RRType type, String from, long fromTtl, String to) {
        String original() {
            return from + " " + fromTtl;
        }

        String switched() {
            return to + " 60";
        }
    }

    private static final Switched WEB = new Switched(
            "faults-web", "www.faults.test.", RRType.CNAME, "primary.faults.test.", 300, "standby.faults.test.");
    private static final Switched API =
            new Switched("faults-api", "api.faults.test.", RRType.A, "192.0.2.10", 300, "192.0.2.20");
    private static final List<Switched> RECORDS = List.of(WEB, API);

    /** What the schedule does. */
    enum Kind {
        DISPATCHER_KILL("kill -9 the orchestrator replica given the outage event"),
        ORCHESTRATOR_KILL("kill -9 an orchestrator replica"),
        WORKER_KILL("kill -9 the worker"),
        DETECTOR_KILL("kill -9 the detector"),
        TEMPORAL_KILL("kill -9 the Temporal dev server"),
        KAFKA_KILL("kill -9 the Kafka broker"),
        POSTGRES_RESTART("restart PostgreSQL (immediate stop)"),
        PROVIDER_FAULTS("a window of provider API faults"),
        REDELIVERY("the run's outage events delivered again");

        final String text;

        Kind(String text) {
            this.text = text;
        }
    }

    enum Invariant {
        ENDS("every execution ends (completed, compensated, or waiting for a person) within the bound"),
        APPLIED_ONCE("every change reaches the provider at most once, with its planned value"),
        RESTORED("every record restored exactly (value and TTL) after the run"),
        ACTED_ON_ONCE("one execution per outage and runbook (per drill request)"),
        AUDIT_COMPLETE("every execution's audit trail complete (transitions 1..n, the final phase last)");

        final String text;

        Invariant(String text) {
            this.text = text;
        }
    }

    private record Planned(Kind kind, long atMillis, long downMillis, int replica) {}

    private final Running running = new Running();
    private final OidcIssuer issuer = OidcIssuer.shared();
    private final Map<Kind, Integer> injected = new EnumMap<>(Kind.class);
    private final Map<Invariant, Integer> held = new EnumMap<>(Invariant.class);
    private final Map<Invariant, List<String>> violated = new EnumMap<>(Invariant.class);
    private final Map<String, Integer> providerFaults = new ConcurrentHashMap<>();
    private int executionsChecked;
    private int changesSeen;

    private Path work;
    private KafkaBroker kafka;
    private TemporalDevServer temporal;
    private PostgresServer postgres;
    private FaultProxy proxy;
    private Route53Records route53;
    private DemoTarget primary;
    private Map<String, String> orchestratorProps;
    private Map<String, String> workerProps;
    private Map<String, String> detectorProps;
    /** Replaced from the schedule's thread when a replica is killed and started again. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<ServiceProcess> orchestrators =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(2);

    private final int[] orchestratorStarts = new int[2];
    private volatile ServiceProcess worker;
    private volatile ServiceProcess detector;
    private int starts;

    @BeforeAll
    void startEverything() throws Exception {
        work = WorkDirs.create("faults");
        kafka = running.keep(KafkaBroker.start(work.resolve("kafka")));
        temporal = running.keep(TemporalDevServer.startPersistent(work.resolve("temporal")));
        MotoServer moto = running.keep(MotoServer.start(work.resolve("moto")));
        proxy = running.keep(FaultProxy.start(moto.endpoint()));
        // Commits wait for their WAL, as PostgreSQL's default: a restart after SIGKILL-like stop keeps what was
        // committed.
        postgres = running.keep(PostgresServer.start(work.resolve("postgres"), true));
        route53 = running.keep(new Route53Records(moto.endpoint(), "faults.test"));
        for (Switched r : RECORDS) {
            route53.upsert(r.name(), r.type(), r.from(), r.fromTtl());
        }
        primary = running.keep(new DemoTarget("primary"));
        DemoTarget standby = running.keep(new DemoTarget("standby"));

        Path runbooks = Files.createDirectories(work.resolve("runbooks"));
        for (Switched r : RECORDS) {
            String record = r.name().substring(0, r.name().indexOf('.'));
            Files.writeString(runbooks.resolve(r.runbook() + ".yaml"), """
                    apiVersion: baran.io/v1
                    kind: Runbook
                    metadata:
                      name: %s
                    spec:
                      protects: %s
                      access:
                        drill: [drill-operator]
                        failover: [failover-operator]
                        approve: [approver]
                      trigger:
                        outage: { scope: local/faults, services: [web] }
                      failover:
                        - name: move
                          action: dns.switch
                          with: { provider: aws-test, zone: faults.test, record: %s, type: %s, to: %s, ttl: 60 }
                        - name: standby-answers
                          action: health.check
                          with: { url: "%s", within: 60s }
                      failback:
                        when: { recovered: true, stableFor: 1s }
                        approval: none
                    """.formatted(
                            r.runbook(), r.runbook(), record, r.type(), r.to().replaceAll("\\.$", ""), standby.url()));
        }

        Map<String, String> common = ServiceSettings.common(kafka, temporal, issuer.issuer());
        Map<String, String> roster = SigningKeys.make(work.resolve("signing"), "faults-1", "faults");
        orchestratorProps = new HashMap<>(common);
        orchestratorProps.putAll(roster);
        orchestratorProps.put("baran.runbooks.dir", runbooks.toString());
        orchestratorProps.putAll(ServiceSettings.CODEC);
        orchestratorProps.put("baran.drill.hold", "2s");
        orchestratorProps.putAll(ServiceSettings.orchestratorDatabase(postgres));
        orchestratorProps.put("baran.providers.aws-test.type", "aws");

        workerProps = new HashMap<>(common);
        workerProps.putAll(ServiceSettings.auditTrail(postgres));
        workerProps.putAll(ServiceSettings.CODEC);
        workerProps.putAll(ServiceSettings.awsProvider(proxy.endpoint()));

        detectorProps = new HashMap<>(common);
        detectorProps.putAll(ServiceSettings.auditTrail(postgres));
        detectorProps.put("baran.detector.vantage", "faults");
        detectorProps.putAll(roster);
        detectorProps.putAll(SigningKeys.signWith(work.resolve("signing"), "faults-1"));
        detectorProps.putAll(ServiceSettings.fastTarget("faults-primary", primary.url(), "local/faults/web"));

        orchestrators.set(0, startOrchestrator(0));
        orchestrators.set(1, startOrchestrator(1));
        worker = start("replication-worker", workerProps, ServiceSettings.AWS_ENV);
        detector = start("detector-service", detectorProps, Map.of());
        for (ServiceProcess service : services()) {
            service.awaitReady(Duration.ofSeconds(180));
        }
    }

    @AfterAll
    void stopEverything() {
        for (ServiceProcess service : services()) {
            if (service != null) {
                service.close();
            }
        }
        running.close();
    }

    @Test
    void runsUnderASeededScheduleOfFaultsHoldEveryInvariant() throws Exception {
        System.out.println("fault suite: seed " + SEED + ", " + RUNS + " runs (-Dbaran.faults.seed=" + SEED
                + " replays this schedule)");
        Random schedule = new Random(SEED);
        long began = System.nanoTime();
        int drills = 0;
        for (int run = 1; run <= RUNS; run++) {
            boolean outage = run == 1 || schedule.nextBoolean();
            Switched drilled = RECORDS.get(schedule.nextInt(RECORDS.size()));
            List<Planned> plan = run == 1
                    ? List.of(new Planned(Kind.DISPATCHER_KILL, 0, 1000, 0), new Planned(Kind.REDELIVERY, 6000, 0, 0))
                    : plan(schedule, outage);
            Random providerRandom = new Random(schedule.nextLong());
            String what = outage ? "outage" : "drill of " + drilled.runbook();
            System.out.println("fault suite: run " + run + "/" + RUNS + ": " + what + ", faults " + plan);
            drills += outage ? 0 : 1;
            runOnce(run, outage, drilled, plan, providerRandom);
            // The table so far, so a soak cut short still leaves its figures.
            Files.writeString(
                    Path.of("target", "fault-suite.txt"),
                    table(run, drills, Duration.ofNanos(System.nanoTime() - began)));
        }
        String table = table(RUNS, drills, Duration.ofNanos(System.nanoTime() - began));
        System.out.println(table);
        Files.writeString(Path.of("target", "fault-suite.txt"), table);
        int violations = violated.values().stream().mapToInt(List::size).sum();
        assertEquals(0, violations, "invariants violated (seed " + SEED + "):\n" + table);
    }

    /** One to three faults at random moments of the run's first seconds, each with its downtime. */
    private List<Planned> plan(Random random, boolean outage) {
        List<Kind> kinds = new ArrayList<>(List.of(Kind.values()));
        if (!outage) {
            kinds.remove(Kind.REDELIVERY);
            kinds.remove(Kind.DISPATCHER_KILL);
        }
        int count = 1 + random.nextInt(3);
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Kind kind = kinds.get(random.nextInt(kinds.size()));
            // Outage runs: most faults land while the outage is being detected and dispatched (its first seconds).
            long at = switch (kind) {
                case REDELIVERY -> 4000 + random.nextInt(4000);
                case DISPATCHER_KILL -> 0; // as the event arrives
                default -> random.nextInt(outage ? 4000 : 6000);
            };
            plan.add(new Planned(kind, at, 500 + random.nextInt(2500), random.nextInt(2)));
        }
        plan.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
        return plan;
    }

    private void runOnce(int run, boolean outage, Switched drilled, List<Planned> plan, Random providerRandom)
            throws Exception {
        List<Switched> touched = outage ? RECORDS : List.of(drilled);
        Map<String, Set<String>> before = new HashMap<>();
        for (Switched r : RECORDS) {
            before.put(r.runbook(), executionIds(r.runbook()));
        }
        int forwardedBefore = proxy.forwarded().size();
        long runStart = System.currentTimeMillis();
        long deadline = System.nanoTime() + BOUND.toNanos();
        Map<String, Set<String>> seen = new ConcurrentHashMap<>();
        Thread watcher = watch(seen);
        List<String> problems = new CopyOnWriteArrayList<>();
        Thread faults = new Thread(() -> inject(plan, providerRandom, runStart, problems), "fault-schedule");
        faults.start();

        String drillId = null;
        if (outage) {
            primary.down();
            boolean switched =
                    waitFor(() -> RECORDS.stream().allMatch(r -> read(r).equals(Optional.of(r.switched()))), deadline);
            if (!switched) {
                problems.add("the outage did not switch both records within " + BOUND.toSeconds() + " s");
            }
            primary.up();
        } else {
            drillId = startDrill(drilled.runbook(), deadline);
        }
        faults.join(BOUND.toMillis());
        proxy.heal();
        for (ServiceProcess service : services()) {
            service.awaitReady(Duration.ofSeconds(180));
        }

        // The run's executions, as the orchestrator lists them.
        Map<String, List<String>> ofRun = new LinkedHashMap<>();
        for (Switched r : RECORDS) {
            boolean expected = outage || r == drilled;
            List<String> fresh = new ArrayList<>();
            waitFor(
                    () -> {
                        fresh.clear();
                        Set<String> now = executionIds(r.runbook());
                        now.removeAll(before.get(r.runbook()));
                        fresh.addAll(now);
                        return !expected || !fresh.isEmpty();
                    },
                    deadline);
            ofRun.put(r.runbook(), List.copyOf(fresh));
        }
        Map<String, JsonNode> ended = new LinkedHashMap<>();
        for (List<String> ids : ofRun.values()) {
            for (String id : ids) {
                JsonNode last = awaitEnd(id, deadline);
                ended.put(id, last);
            }
        }
        watcher.interrupt();
        watcher.join(5000);
        String label = "run " + run + " (" + (outage ? "outage" : "drill of " + drilled.runbook()) + ", faults "
                + plan.stream().map(p -> p.kind().name()).toList() + ")";

        // ends
        List<String> notEnded = new ArrayList<>();
        ended.forEach((id, view) -> {
            if (!hasEnded(view)) {
                notEnded.add(id + " is " + view.path("status").asText() + "/"
                        + view.path("phase").asText() + " after " + BOUND.toSeconds() + " s");
            }
        });
        check(Invariant.ENDS, label, notEnded);

        // applied once, with the planned values
        List<String> appliedTwice = new ArrayList<>();
        Map<String, Integer> changes = new HashMap<>();
        for (FaultProxy.Forwarded f :
                proxy.forwarded().subList(forwardedBefore, proxy.forwarded().size())) {
            if ("POST".equals(f.method()) && f.path().matches(".*/rrset/?") && f.status() == 200) {
                Matcher m = CHANGE.matcher(f.body());
                while (m.find()) {
                    String name = m.group(1).endsWith(".") ? m.group(1) : m.group(1) + ".";
                    changes.merge(name + " -> " + m.group(2), 1, Integer::sum);
                }
            }
        }
        for (Switched r : RECORDS) {
            int executions = ofRun.get(r.runbook()).size();
            for (String value : List.of(r.to(), r.from())) {
                int n = changes.getOrDefault(r.name() + " -> " + value, 0);
                if (n > Math.max(1, executions)) {
                    appliedTwice.add(
                            r.name() + " was set to " + value + " " + n + " times by " + executions + " execution(s)");
                }
            }
            Set<String> values = seen.getOrDefault(r.name(), Set.of());
            Set<String> unplanned = new LinkedHashSet<>(values);
            unplanned.removeAll(Set.of(r.original(), r.switched()));
            if (!unplanned.isEmpty()) {
                appliedTwice.add(r.name() + " held unplanned values " + unplanned);
            }
            if (touched.contains(r) && changes.getOrDefault(r.name() + " -> " + r.to(), 0) == 0) {
                appliedTwice.add(r.name() + ": no change to " + r.to() + " reached the provider");
            }
            if (touched.contains(r) && !values.contains(r.switched())) {
                appliedTwice.add(r.name() + " was never seen switched to " + r.switched());
            }
        }
        check(Invariant.APPLIED_ONCE, label, appliedTwice);
        executionsChecked += ended.size();
        System.out.println("fault suite: " + label + ": executions " + ended.keySet()
                + ", changes the provider received " + changes);
        changesSeen += changes.values().stream().mapToInt(Integer::intValue).sum();

        // restored exactly
        List<String> notRestored = new ArrayList<>();
        for (Switched r : RECORDS) {
            Optional<String> now = read(r);
            if (!now.equals(Optional.of(r.original()))) {
                notRestored.add(r.name() + " is " + now.orElse("missing") + ", not " + r.original());
            }
        }
        check(Invariant.RESTORED, label, notRestored);

        // acted on once
        List<String> notOnce = new ArrayList<>(problems);
        for (Switched r : RECORDS) {
            int expected = outage || r == drilled ? 1 : 0;
            List<String> ids = ofRun.get(r.runbook());
            if (ids.size() != expected) {
                notOnce.add(r.runbook() + " has " + ids.size() + " new execution(s), not " + expected + ": " + ids);
            }
        }
        if (drillId != null && !ofRun.get(drilled.runbook()).contains(drillId)) {
            notOnce.add("the drill " + drillId + " is not listed");
        }
        check(Invariant.ACTED_ON_ONCE, label, notOnce);

        // audit complete
        List<String> incomplete = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : ended.entrySet()) {
            String gap = awaitAudit(e.getKey(), e.getValue().path("phase").asText(), deadline);
            if (gap != null) {
                incomplete.add(e.getKey() + ": " + gap);
            }
        }
        check(Invariant.AUDIT_COMPLETE, label, incomplete);
        if (!notEnded.isEmpty() || !notRestored.isEmpty()) {
            dumpLogs(label);
        }
    }

    private void check(Invariant invariant, String run, List<String> problems) {
        if (problems.isEmpty()) {
            held.merge(invariant, 1, Integer::sum);
        } else {
            violated.computeIfAbsent(invariant, k -> new ArrayList<>()).add(run + ": " + problems);
            System.out.println("fault suite: VIOLATED " + invariant + " in " + run + ": " + problems);
        }
    }

    /** Carries out the plan on its own thread: each fault at its moment, the component restarted after its downtime. */
    private void inject(List<Planned> plan, Random providerRandom, long runStart, List<String> problems) {
        for (Planned p : plan) {
            long wait = runStart + p.atMillis() - System.currentTimeMillis();
            try {
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                boolean done = inject(p, providerRandom, runStart);
                if (done) {
                    synchronized (injected) {
                        injected.merge(p.kind(), 1, Integer::sum);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                problems.add("the fault " + p.kind() + " could not be carried out: " + e);
            }
        }
    }

    private boolean inject(Planned p, Random providerRandom, long runStart) throws Exception {
        switch (p.kind()) {
            case DISPATCHER_KILL -> {
                List<ConsumerRecord<String, String>> events = awaitOutageEvents(runStart);
                int i = consumerOf(events);
                orchestrators.get(i).crash();
                long killed = System.nanoTime();
                // Down until the group has given the event's partition to the other replica (the consumer's session
                // timeout, 45 s by default): the other replica, not the restarted one, finishes the dispatch.
                boolean takenOver = waitFor(
                        () -> {
                            try {
                                return consumerOf(events) == 1 - i;
                            } catch (Exception rebalancing) {
                                return false;
                            }
                        },
                        System.nanoTime() + Duration.ofSeconds(120).toNanos());
                System.out.println("fault suite: replica " + (i + 1) + " killed as the outage event arrived; "
                        + (takenOver
                                ? "replica " + (2 - i) + " was given its partition "
                                        + Duration.ofNanos(System.nanoTime() - killed)
                                                .toSeconds() + " s later"
                                : "the other replica was not given its partition within 120 s"));
                if (!takenOver) {
                    throw new IllegalStateException(
                            "replica " + (2 - i) + " was not given the outage event's partition");
                }
                orchestrators.set(i, startOrchestrator(i));
                orchestrators.get(i).awaitReady(Duration.ofSeconds(180));
            }
            case ORCHESTRATOR_KILL -> {
                int i = p.replica();
                orchestrators.get(i).crash();
                Thread.sleep(p.downMillis());
                orchestrators.set(i, startOrchestrator(i));
                orchestrators.get(i).awaitReady(Duration.ofSeconds(180));
            }
            case WORKER_KILL -> {
                worker.crash();
                Thread.sleep(p.downMillis());
                worker = start("replication-worker", workerProps, ServiceSettings.AWS_ENV);
                worker.awaitReady(Duration.ofSeconds(180));
            }
            case DETECTOR_KILL -> {
                detector.crash();
                Thread.sleep(p.downMillis());
                detector = start("detector-service", detectorProps, Map.of());
                detector.awaitReady(Duration.ofSeconds(180));
            }
            case TEMPORAL_KILL -> {
                temporal.crash();
                Thread.sleep(p.downMillis());
                temporal.restart();
            }
            case KAFKA_KILL -> {
                kafka.crash();
                Thread.sleep(p.downMillis());
                kafka.restart();
            }
            case POSTGRES_RESTART -> postgres.restart();
            case PROVIDER_FAULTS -> {
                List<FaultProxy.Fault> all = new ArrayList<>(List.of(FaultProxy.Fault.values()));
                java.util.Collections.shuffle(all, providerRandom);
                List<FaultProxy.Fault> some = all.subList(0, 1 + providerRandom.nextInt(all.size()));
                Map<FaultProxy.Fault, Integer> before = proxy.injected();
                proxy.inject(0.2 + providerRandom.nextDouble() * 0.3, some, providerRandom);
                Thread.sleep(3 * p.downMillis());
                proxy.heal();
                proxy.injected().forEach((fault, n) -> {
                    int added = n - before.getOrDefault(fault, 0);
                    if (added > 0) {
                        providerFaults.merge(fault.name(), added, Integer::sum);
                    }
                });
            }
            case REDELIVERY -> {
                return redeliver(runStart) > 0;
            }
        }
        return true;
    }

    /** The outage events of the run, once there is one (at most 60 s). */
    private List<ConsumerRecord<String, String>> awaitOutageEvents(long runStart) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<ConsumerRecord<String, String>> events = outageEvents(runStart, 1);
        while (events.isEmpty() && System.nanoTime() < deadline) {
            events = outageEvents(runStart, 1);
        }
        if (events.isEmpty()) {
            throw new IllegalStateException("no outage event within 60 s");
        }
        return events;
    }

    /** Which orchestrator replica (0 or 1) the consumer group gave the partition of the first of these events. */
    private int consumerOf(List<ConsumerRecord<String, String>> events) throws Exception {
        TopicPartition partition =
                new TopicPartition(events.get(0).topic(), events.get(0).partition());
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var group = admin.describeConsumerGroups(List.of("baran-orchestrator"))
                    .all()
                    .get(15, java.util.concurrent.TimeUnit.SECONDS)
                    .get("baran-orchestrator");
            for (var member : group.members()) {
                if (member.assignment().topicPartitions().contains(partition)) {
                    return member.clientId().startsWith("faults-orchestrator-1") ? 0 : 1;
                }
            }
        }
        throw new IllegalStateException("no orchestrator replica consumes " + partition);
    }

    /** Sends the run's outage events again, as they are (same key, value and headers): a redelivery. */
    private int redeliver(long runStart) {
        List<ConsumerRecord<String, String>> outages = outageEvents(runStart, 3);
        if (outages.isEmpty()) {
            return 0;
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "max.block.ms", "10000"),
                new StringSerializer(),
                new StringSerializer())) {
            for (ConsumerRecord<String, String> r : outages) {
                producer.send(new ProducerRecord<>(r.topic(), null, r.key(), r.value(), r.headers()));
            }
            producer.flush();
        }
        return outages.size();
    }

    /** The committed outage events on the health topic since {@code runStart}, read until {@code quietPolls} empty polls. */
    private List<ConsumerRecord<String, String>> outageEvents(long runStart, int quietPolls) {
        Map<String, Object> consumerProps = Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "isolation.level", "read_committed",
                "enable.auto.commit", "false",
                "default.api.timeout.ms", "10000",
                "request.timeout.ms", "10000");
        List<ConsumerRecord<String, String>> outages = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("baran.health-events").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(p -> at.put(p, runStart));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(at);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp o = offsets.get(p);
                if (o == null) {
                    consumer.seekToEnd(List.of(p));
                } else {
                    consumer.seek(p, o.offset());
                }
            }
            for (int empty = 0; empty < quietPolls; ) {
                var records = consumer.poll(Duration.ofSeconds(1));
                empty = records.isEmpty() ? empty + 1 : 0;
                records.forEach(r -> {
                    if (r.value() != null && r.value().contains("io.baran.outage.detected")) {
                        outages.add(r);
                    }
                });
            }
        }
        return outages;
    }

    /** Samples every record from moto itself (not through the proxy) until interrupted, keeping each value seen. */
    private Thread watch(Map<String, Set<String>> seen) {
        Thread t = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        for (Switched r : RECORDS) {
                            read(r).ifPresent(v -> seen.computeIfAbsent(r.name(), k -> ConcurrentHashMap.newKeySet())
                                    .add(v));
                        }
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "record-watcher");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private Optional<String> read(Switched r) {
        try {
            return route53.read(r.name(), r.type());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean hasEnded(JsonNode view) {
        String status = view.path("status").asText();
        String phase = view.path("phase").asText();
        return ("completed".equals(status) && Set.of("done", "compensated").contains(phase))
                || ("running".equals(status)
                        && Set.of("awaiting-approval", "awaiting-failback-approval")
                                .contains(phase));
    }

    private JsonNode awaitEnd(String id, long deadline) {
        JsonNode[] last = {JSON.createObjectNode()};
        waitFor(
                () -> {
                    Optional<JsonNode> view = api("GET", "/api/executions/" + id, null, 200);
                    view.ifPresent(v -> last[0] = v);
                    return view.isPresent() && hasEnded(view.get());
                },
                deadline);
        return last[0];
    }

    /** Null when the audit trail of the execution is complete, else what is missing. */
    private String awaitAudit(String id, String finalPhase, long deadline) {
        String[] gap = {"no audit trail read"};
        waitFor(
                () -> {
                    Optional<JsonNode> answer = api("GET", "/api/executions/" + id + "/events", null, 200);
                    if (answer.isEmpty()) {
                        return false;
                    }
                    List<Long> seqs = new ArrayList<>();
                    String lastPhase = null;
                    for (JsonNode e : answer.get().path("events")) {
                        seqs.add(e.path("seq").asLong());
                        if (e.path("step").isNull() || e.path("step").isMissingNode()) {
                            lastPhase = e.path("phase").asText();
                        }
                    }
                    List<Long> sorted = seqs.stream().sorted().distinct().toList();
                    boolean contiguous = !sorted.isEmpty()
                            && sorted.get(0) == 1
                            && sorted.get(sorted.size() - 1) == sorted.size()
                            && sorted.size() == seqs.size();
                    gap[0] = contiguous && finalPhase.equals(lastPhase)
                            ? null
                            : "transitions " + sorted + " (" + seqs.size() + " rows), last phase " + lastPhase
                                    + ", final phase " + finalPhase;
                    return gap[0] == null;
                },
                Math.max(deadline, System.nanoTime() + Duration.ofSeconds(30).toNanos()));
        return gap[0];
    }

    /** Retried until an orchestrator answers, always with the same Idempotency-Key: one drill however many tries. */
    private String startDrill(String runbook, long deadline) {
        String[] id = {null};
        String key = "faults-" + UUID.randomUUID();
        waitFor(
                () -> {
                    Optional<JsonNode> answer =
                            api("POST", "/api/drills", "{\"runbook\":\"" + runbook + "\",\"hold\":\"2s\"}", 202, key);
                    answer.ifPresent(a -> id[0] = a.path("executionId").asText());
                    return answer.isPresent();
                },
                deadline);
        return id[0];
    }

    private Set<String> executionIds(String runbook) {
        List<Optional<JsonNode>> list = new ArrayList<>(List.of(Optional.empty()));
        waitFor(
                () -> {
                    list.set(0, api("GET", "/api/executions?runbook=" + runbook, null, 200));
                    return list.get(0).isPresent();
                },
                System.nanoTime() + BOUND.toNanos());
        Set<String> ids = new LinkedHashSet<>();
        list.get(0)
                .orElseThrow(() -> new IllegalStateException("no orchestrator lists executions"))
                .path("executions")
                .forEach(e -> ids.add(e.path("executionId").asText()));
        return ids;
    }

    /**
     * Calls the API of a live orchestrator replica (the first that answers), as a person with every role a run
     * needs; empty unless one answered {@code expected}. Only a refused connection moves on to the other replica,
     * so a request is never sent twice.
     */
    private Optional<JsonNode> api(String method, String path, String body, int expected) {
        return api(method, path, body, expected, null);
    }

    private Optional<JsonNode> api(String method, String path, String body, int expected, String idempotencyKey) {
        for (int i = 0; i < orchestrators.length(); i++) {
            ServiceProcess o = orchestrators.get(i);
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(o.url(path)))
                        .header(
                                "Authorization",
                                issuer.bearer("faults", "viewer", "drill-operator", "failover-operator"))
                        .timeout(Duration.ofSeconds(15));
                if (idempotencyKey != null) {
                    request.header("Idempotency-Key", idempotencyKey);
                }
                if (body != null) {
                    request.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(body));
                } else {
                    request.method(method, HttpRequest.BodyPublishers.noBody());
                }
                HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == expected) {
                    return Optional.of(JSON.readTree(response.body()));
                }
                if (!"GET".equals(method)) {
                    System.out.println("fault suite: " + method + " " + path + " answered " + response.statusCode()
                            + ": " + response.body());
                }
                return Optional.empty();
            } catch (java.net.ConnectException e) {
                // this replica is down: the other one
            } catch (java.io.IOException e) {
                if (!"GET".equals(method)) {
                    // sent, maybe carried out: not sent again to the other replica
                    return Optional.empty();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether {@code done} held before the deadline ({@link System#nanoTime()}), asked every 500 ms. */
    private static boolean waitFor(BooleanSupplier done, long deadline) {
        try {
            Polling.until(
                    done::getAsBoolean,
                    Boolean::booleanValue,
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                    Duration.ofMillis(500),
                    last -> "not yet");
            return true;
        } catch (AssertionError timedOut) {
            return done.getAsBoolean();
        }
    }

    private ServiceProcess startOrchestrator(int replica) {
        orchestratorStarts[replica]++;
        Map<String, String> props = new HashMap<>(orchestratorProps);
        // Its name in the consumer group, so the suite knows which replica was given an event.
        props.put("mp.messaging.incoming.health-events.client.id", "faults-orchestrator-" + (replica + 1));
        return ServiceProcess.start(
                "orchestrator-service",
                work.resolve("orchestrator-" + (replica + 1) + "-" + orchestratorStarts[replica]),
                props,
                Map.of());
    }

    private ServiceProcess start(String module, Map<String, String> props, Map<String, String> env) {
        return ServiceProcess.start(module, work.resolve(module + "-" + ++starts), props, env);
    }

    private List<ServiceProcess> services() {
        return java.util.Arrays.asList(orchestrators.get(0), orchestrators.get(1), worker, detector);
    }

    private void dumpLogs(String label) {
        System.out.println("fault suite: logs after " + label + " are under " + work);
    }

    private String table(int runs, int drills, Duration took) {
        StringBuilder out = new StringBuilder();
        out.append("\n=== fault suite: seed ")
                .append(SEED)
                .append(", ")
                .append(runs)
                .append(" runs (")
                .append(drills)
                .append(" drills, ")
                .append(runs - drills)
                .append(" outages), ")
                .append(took.toSeconds())
                .append(" s ===\n");
        out.append(String.format("%-50s %6s%n", "fault injected", "count"));
        for (Kind k : Kind.values()) {
            out.append(String.format("%-50s %6d%n", k.text, injected.getOrDefault(k, 0)));
        }
        for (FaultProxy.Fault f : FaultProxy.Fault.values()) {
            out.append(String.format(
                    "%-50s %6d%n", "  provider answer " + f.name(), providerFaults.getOrDefault(f.name(), 0)));
        }
        out.append("executions checked: ")
                .append(executionsChecked)
                .append("; record changes the provider received: ")
                .append(changesSeen)
                .append('\n');
        out.append(String.format("%-90s %5s %8s%n", "invariant (runs)", "held", "violated"));
        for (Invariant i : Invariant.values()) {
            out.append(String.format(
                    "%-90s %5d %8d%n",
                    i.text,
                    held.getOrDefault(i, 0),
                    violated.getOrDefault(i, List.of()).size()));
        }
        violated.forEach((i, list) -> list.forEach(
                v -> out.append("VIOLATED ").append(i).append(": ").append(v).append('\n')));
        return out.toString();
    }
}
