package io.baran.detector.quorum;

import static io.baran.detector.quorum.HealthTopic.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.baran.detector.config.DetectorSettings;
import io.baran.detector.messaging.DetectorTopics;
import io.baran.detector.messaging.KafkaClients;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.state.Health;
import io.baran.events.CloudEvent;
import io.baran.events.OutageEvent;
import io.baran.testinfra.KafkaBroker;
import io.baran.testinfra.WorkDirs;
import io.vertx.mutiny.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several vantages and aggregators, built from the service's own classes, in one JVM against a real Kafka broker
 * and real HTTP targets on 127.0.0.1. Each vantage probes its own path of the test server, so the test decides
 * what each one sees. Every test has topics and a consumer group of its own.
 *
 * <p>Nothing here asserts speed: waits are bounded generously and assertions are on the events' content and count.
 */
class QuorumIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String WEB = "svc/web";
    private static final String ANCHOR = "ref/anchor";

    private static KafkaBroker kafka;
    private static Vertx vertx;
    private static SwitchableTargets server;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void start() {
        kafka = KafkaBroker.start(WorkDirs.create("kafka-quorum"));
        vertx = Vertx.vertx();
        server = new SwitchableTargets();
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.closeAndAwait();
        kafka.close();
    }

    @BeforeEach
    void everyTargetAnswers() {
        server.reset();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A test's own topics and group, created before anything sends, as the service creates them at start-up. */
    private static DetectorSettings.Quorum quorum(String name, int minVotes) {
        DetectorSettings.Quorum q = new DetectorSettings.Quorum(
                true,
                minVotes,
                0.5,
                Duration.ofMillis(250),
                Duration.ofSeconds(2),
                name + ".verdicts",
                name + ".decisions",
                name + ".health",
                name + ".aggregators",
                3,
                (short) 1);
        try {
            DetectorTopics.ensure(KafkaClients.of(kafka.bootstrapServers()), q);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return q;
    }

    private <T extends AutoCloseable> T keep(T resource) {
        open.add(resource);
        return resource;
    }

    private TestVantage vantage(String id, DetectorSettings.Quorum q, String... scopes) {
        return keep(new TestVantage(
                id,
                vertx,
                kafka.bootstrapServers(),
                q,
                DetectorSettings.Damping.OFF,
                TestVantage.targets(server, id, scopes)));
    }

    private QuorumAggregator aggregator(String id, DetectorSettings.Quorum q) {
        return aggregator(id, q, Clock.systemUTC());
    }

    private QuorumAggregator aggregator(String id, DetectorSettings.Quorum q, Clock clock) {
        QuorumAggregator aggregator = keep(new QuorumAggregator(
                id,
                KafkaClients.of(kafka.bootstrapServers()),
                q,
                DetectorMetrics.inMemory(),
                clock,
                // An aggregator signs with the key of the vantage it runs in, which the roster lists.
                TestKeys.key("a"),
                TestKeys.verifier()));
        aggregator.start();
        return aggregator;
    }

    /** The scope as the aggregator holding it now sees it; null while none does (a rebalance). */
    private static QuorumView holder(String scope, List<QuorumAggregator> aggregators) {
        return aggregators.stream()
                .map(a -> a.scopes().get(scope))
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    /**
     * The one aggregator that holds the scope, once every aggregator has its share of the partitions and the quorum
     * has decided that the scope is UP.
     */
    private static QuorumAggregator owner(String scope, List<QuorumAggregator> aggregators) {
        await(
                "every aggregator to own partitions and the quorum to agree that " + scope + " is UP",
                () -> aggregators.stream().allMatch(QuorumAggregator::ready)
                        && aggregators.stream()
                                        .filter(a -> a.scopes().containsKey(scope))
                                        .count()
                                == 1
                        && aggregators.stream()
                                .anyMatch(a -> a.scopes().containsKey(scope)
                                        && a.scopes().get(scope).record().state() == Health.UP));
        List<QuorumAggregator> owners =
                aggregators.stream().filter(a -> a.scopes().containsKey(scope)).toList();
        assertEquals(1, owners.size(), "exactly one aggregator owns " + scope);
        return owners.get(0);
    }

    @Test
    void twoOfThreeVantagesSeeingTheFailureDeclareOneOutageAndOneRecovery() {
        DetectorSettings.Quorum q = quorum("two-of-three", 1);
        for (String v : List.of("a", "b", "c")) {
            vantage(v, q, WEB, ANCHOR);
        }
        List<QuorumAggregator> aggregators =
                List.of(aggregator("agg-a", q), aggregator("agg-b", q), aggregator("agg-c", q));
        HealthTopic health = keep(new HealthTopic(kafka.bootstrapServers(), q.healthTopic()));
        owner(WEB, aggregators);
        owner(ANCHOR, aggregators);

        server.set("a/web", 503);
        server.set("b/web", 503);
        health.await("outage.detected", e -> count(e, OutageEvent.DETECTED) >= 1, WAIT);
        List<CloudEvent<OutageEvent>> events = health.after(Duration.ofSeconds(2));
        assertEquals(1, events.size(), "one event for one outage: " + events);
        CloudEvent<OutageEvent> detected = events.get(0);
        assertEquals(OutageEvent.DETECTED, detected.type());
        assertEquals(WEB, health.keys().get(0));
        OutageEvent outage = detected.data();
        assertEquals(WEB, outage.scope());
        assertEquals(WEB + "@" + outage.since().toEpochMilli(), outage.incidentId());
        assertFalse(outage.drill());
        assertEquals(
                List.of("a=DOWN", "b=DOWN", "c=UP"),
                outage.votes().stream()
                        .map(v -> v.vantage() + "=" + v.verdict())
                        .toList());
        assertEquals(0.667, outage.confidence());
        assertEquals(List.of(new OutageEvent.TargetVerdict("web", false, "HTTP 503, expected 200")), outage.targets());
        // The scope's record as its owner holds it now: a rebalance under load may have moved the scope to another
        // aggregator since, which restores the record (and who decided it) from the decisions topic.
        await("an aggregator to hold " + WEB, () -> holder(WEB, aggregators) != null);
        String ownerId = holder(WEB, aggregators).record().decidedBy();
        assertEquals(
                "/baran/detector/" + ownerId, detected.source(), "published by the aggregator that owns the scope");
        assertEquals(ownerId, outage.vantage());
        assertFalse(detected.time().isBefore(outage.since()), "the event's time is when the quorum decided");

        server.set("a/web", 200);
        server.set("b/web", 200);
        health.await("outage.recovered", e -> count(e, OutageEvent.RECOVERED) >= 1, WAIT);
        events = health.after(Duration.ofSeconds(2));
        assertEquals(2, events.size(), "one detected, one recovered: " + events);
        OutageEvent recovered = events.get(1).data();
        assertEquals(OutageEvent.RECOVERED, events.get(1).type());
        assertEquals(outage.incidentId(), recovered.incidentId());
        assertTrue(recovered.since().isAfter(outage.since()));
        // Decided as soon as two agree: a and b come back at about the same time, c was never down.
        assertTrue(
                recovered.votes().stream().filter(v -> v.verdict().equals("UP")).count() >= 2,
                recovered.votes().toString());
        assertTrue(recovered.confidence() >= 0.667, "confidence " + recovered.confidence());
        assertTrue(health.keys().stream().allMatch(WEB::equals), "the anchor scope never went down: " + health.keys());
    }

    @Test
    void aVantageWhoseKeyIsNotInTheRosterIsNotCounted() {
        DetectorSettings.Quorum q = quorum("unknown-key", 1);
        vantage("a", q, WEB);
        vantage("b", q, WEB);
        vantage("x", q, WEB); // signs with a key of its own that no aggregator's roster holds
        List<QuorumAggregator> aggregators = List.of(aggregator("agg-1", q));
        HealthTopic health = keep(new HealthTopic(kafka.bootstrapServers(), q.healthTopic()));
        QuorumAggregator owner = owner(WEB, aggregators);

        // a and x see the scope fail, b does not: two of three if x counted, one of two as it does not.
        server.set("a/web", 503);
        server.set("x/web", 503);
        await(
                "the owner to count a as DOWN",
                () -> owner.scopes().get(WEB).votes().stream()
                        .anyMatch(v -> v.vantage().equals("a") && v.verdict() == Health.DOWN));
        assertEquals(List.of(), health.after(Duration.ofSeconds(3)), "a vantage outside the roster tipped the quorum");
        assertEquals(
                List.of("a", "b"),
                owner.scopes().get(WEB).votes().stream()
                        .map(QuorumView.VoteView::vantage)
                        .toList());

        server.set("b/web", 503);
        CloudEvent<OutageEvent> outage = health.await(
                        "outage.detected", events -> count(events, OutageEvent.DETECTED) == 1, WAIT)
                .get(0);
        assertEquals(
                List.of("a=DOWN", "b=DOWN"),
                outage.data().votes().stream()
                        .map(v -> v.vantage() + "=" + v.verdict())
                        .toList());
    }

    @Test
    void aVantageCutOffFromEverythingCausesNothingEvenWhenItIsTheLastOneLeft() {
        DetectorSettings.Quorum q = quorum("cut-off", 1);
        TestVantage a = vantage("a", q, WEB, ANCHOR);
        TestVantage b = vantage("b", q, WEB, ANCHOR);
        TestVantage c = vantage("c", q, WEB, ANCHOR);
        List<QuorumAggregator> aggregators = List.of(aggregator("agg-a", q), aggregator("agg-b", q));
        HealthTopic health = keep(new HealthTopic(kafka.bootstrapServers(), q.healthTopic()));
        QuorumAggregator owner = owner(WEB, aggregators);

        // Every probe of c fails from now on, as when its own network is gone.
        server.set("c/web", 503);
        server.set("c/anchor", 503);
        await("vantage c to see itself isolated", c.tracker::isolated);
        await(
                "the owner to count c as abstaining",
                () -> owner.scopes().get(WEB).votes().stream()
                        .anyMatch(v ->
                                v.vantage().equals("c") && v.live() && v.isolated() && v.verdict() == Health.UNKNOWN));
        assertEquals(List.of(), health.after(Duration.ofSeconds(2)), "a cut-off vantage declared an outage");

        // The others stop: c is the only live vantage left, and still it declares nothing.
        a.close();
        b.close();
        await("a and b to expire", () -> owner.scopes().get(WEB).live() == 1);
        assertEquals(List.of(), health.after(Duration.ofSeconds(3)), "a lone isolated vantage declared an outage");
        QuorumView view = owner.scopes().get(WEB);
        assertEquals(Health.UP, view.record().state());
        assertEquals(1, view.required());
    }

    @Test
    void aVantageThatStopsIsDroppedAndTheQuorumIsRecomputedOverTheLiveOnes() {
        DetectorSettings.Quorum q = quorum("stops", 1);
        TestVantage a = vantage("a", q, WEB);
        TestVantage b = vantage("b", q, WEB);
        QuorumAggregator aggregator = aggregator("agg-1", q);
        HealthTopic health = keep(new HealthTopic(kafka.bootstrapServers(), q.healthTopic()));
        owner(WEB, List.of(aggregator));

        server.set("a/web", 503);
        await("a to see web DOWN", () -> a.target("web").state() == Health.DOWN);
        assertEquals(List.of(), health.after(Duration.ofSeconds(2)), "one of two live vantages is no majority");
        assertEquals(2, aggregator.scopes().get(WEB).live());

        b.close();
        List<CloudEvent<OutageEvent>> events =
                health.await("outage.detected once b expired", e -> count(e, OutageEvent.DETECTED) >= 1, WAIT);
        OutageEvent outage = events.get(0).data();
        assertEquals(
                List.of(new OutageEvent.Vote("a", "DOWN", outage.since())),
                outage.votes(),
                "only the live vantage votes");
        assertEquals(1.0, outage.confidence());
        assertEquals(1, health.after(Duration.ofSeconds(1)).size());
    }

    @Test
    void anAggregatorWhoseClockRunsMinutesAheadOfTheBrokersStillCountsLiveVantagesAndDeclaresTheOutage() {
        DetectorSettings.Quorum q = quorum("clock-ahead", 1);
        vantage("a", q, WEB);
        QuorumAggregator aggregator = aggregator("agg-1", q, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5)));
        HealthTopic health = keep(new HealthTopic(kafka.bootstrapServers(), q.healthTopic()));
        owner(WEB, List.of(aggregator));
        assertEquals(1, aggregator.scopes().get(WEB).live(), "a's verdicts, seconds old, count");

        server.set("a/web", 503);
        List<CloudEvent<OutageEvent>> events =
                health.await("outage.detected", e -> count(e, OutageEvent.DETECTED) >= 1, WAIT);
        assertEquals(
                List.of("a"),
                events.get(0).data().votes().stream()
                        .map(OutageEvent.Vote::vantage)
                        .toList());
    }

    @Test
    void anAggregatorRestartRepeatsNothingAndMissesNoRecovery() {
        DetectorSettings.Quorum q = quorum("restart", 1);
        TestVantage a = vantage("a", q, WEB);
        TestVantage b = vantage("b", q, WEB);
        HealthTopic health = keep(new HealthTopic(kafka.bootstrapServers(), q.healthTopic()));
        QuorumAggregator first = aggregator("agg-1", q);
        owner(WEB, List.of(first));

        server.set("a/web", 503);
        server.set("b/web", 503);
        String incident = health.await("outage.detected", e -> count(e, OutageEvent.DETECTED) >= 1, WAIT)
                .get(0)
                .data()
                .incidentId();

        // Restarted while the outage goes on: it takes the incident from the decisions topic and repeats nothing.
        first.close();
        // Meanwhile someone who may write the decisions topic, without a vantage's key, records the scope as up (and
        // so as recovered), then as down with another scope's incident: neither is signed, neither is taken.
        try (var producer = KafkaClients.of(kafka.bootstrapServers()).producer(java.util.Map.of("acks", "all"))) {
            java.time.Instant now = java.time.Instant.now();
            ScopeRecord up = new ScopeRecord(WEB, Health.UP, null, now, now, "forger", List.of(), 1.0, null, List.of());
            ScopeRecord elsewhere = new ScopeRecord(
                    WEB, Health.DOWN, "svc/other@1", now, now, "forger", List.of(), 1.0, null, List.of());
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    q.decisionsTopic(), WEB, VerdictCodec.encode(up)));
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    q.decisionsTopic(), WEB, VerdictCodec.encode(elsewhere)));
            producer.flush();
        }
        QuorumAggregator second = aggregator("agg-1", q);
        await("the restarted aggregator to catch up", second::ready);
        await(
                "it to count both vantages again",
                () -> second.scopes().containsKey(WEB)
                        && second.scopes().get(WEB).live() == 2);
        assertEquals(Health.DOWN, second.scopes().get(WEB).record().state());
        assertEquals(incident, second.scopes().get(WEB).record().incidentId());
        assertEquals(1, health.after(Duration.ofSeconds(2)).size(), "a restart repeated the detected event");

        // Down while the service recovers: the next one still publishes the recovery, naming the same incident.
        second.close();
        server.set("a/web", 200);
        server.set("b/web", 200);
        await(
                "both vantages to see web UP",
                () -> a.target("web").state() == Health.UP && b.target("web").state() == Health.UP);
        assertEquals(1, health.after(Duration.ofMillis(500)).size(), "nothing decides while no aggregator runs");
        aggregator("agg-1", q);
        List<CloudEvent<OutageEvent>> events =
                health.await("outage.recovered", e -> count(e, OutageEvent.RECOVERED) >= 1, WAIT);
        events = health.after(Duration.ofSeconds(1));
        assertEquals(
                List.of(OutageEvent.DETECTED, OutageEvent.RECOVERED),
                events.stream().map(CloudEvent::type).toList());
        assertEquals(incident, events.get(1).data().incidentId());
    }

    @Test
    void aTargetThatFlapsOnEveryProbeCausesNoOutageStorm() {
        DetectorSettings.Quorum q = quorum("flapping", 1);
        TestVantage a = keep(new TestVantage(
                "a",
                vertx,
                kafka.bootstrapServers(),
                q,
                new DetectorSettings.Damping(true, 1000, 2000, 750, Duration.ofSeconds(60)),
                TestVantage.targets(server, "a", "svc/flappy")));
        QuorumAggregator aggregator = aggregator("agg-1", q);
        HealthTopic health = keep(new HealthTopic(kafka.bootstrapServers(), q.healthTopic()));
        owner("svc/flappy", List.of(aggregator));

        server.flap("a/flappy");
        List<CloudEvent<OutageEvent>> events = health.after(Duration.ofSeconds(4));
        assertTrue(
                server.flapped("a/flappy") >= 10, "the target flapped only " + server.flapped("a/flappy") + " times");
        assertEquals(List.of(), events, "a target that flaps on every probe never crosses its thresholds");
        assertEquals(Health.UP, a.target("flappy").state());
        assertTrue(a.target("flappy").consecutiveFailures() <= 1
                && a.target("flappy").consecutiveSuccesses() <= 1);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
        fail("no " + what + " within " + WAIT.toSeconds() + " s");
    }
}
