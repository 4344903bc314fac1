package io.baran.detector.quorum;

import io.baran.detector.config.DetectorSettings;
import io.baran.detector.messaging.DetectorTopics;
import io.baran.detector.messaging.KafkaClients;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.EventSignature;
import io.baran.events.KafkaTrace;
import io.baran.events.OutageEvent;
import io.baran.events.RefusedEventException;
import io.baran.events.SigningKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Turns the vantages' verdicts into outage events. Aggregators form one Kafka consumer group on the verdicts
 * topic, which is keyed by scope, so each scope belongs to exactly one aggregator at a time: the one that owns its
 * partition. Each instance of detector-service runs one; any of them can stop, and its scopes move to the others.
 *
 * <p>A decision (an outage event on the health topic, the scope's new record on the decisions topic, and the
 * consumer offsets) is written in one Kafka transaction, so it happens entirely or not at all. When an aggregator
 * takes over a partition, after a restart or a rebalance, it reads the scopes' records (the open incident and its
 * id) and replays the last {@code vantage-expiry} of verdicts to learn who is live and what they say, deciding
 * nothing until it has caught up. So a restart neither repeats an event nor loses the recovery of an incident
 * opened before it. A zombie aggregator that lost its partitions is fenced: its transaction fails.
 *
 * <p>Only verdicts signed by a key of the roster, in the name of that key's vantage, count ({@link VerdictVerifier});
 * the others are counted in {@code baran_quorum_verdicts_refused_total} and skipped. The outage events are signed with
 * this instance's key.
 *
 * <p>An outage event continues the trace of the last traced verdict (or simulation) of its scope: the probe that saw
 * the change, as a rule the one that completed the quorum ({@link KafkaTrace}); the trace context goes in the event
 * record's headers, outside what is signed.
 *
 * <p>Everything runs on one thread of its own; the REST API reads an immutable snapshot.
 */
public final class QuorumAggregator extends ConsumerThread {

    private static final Logger LOG = Logger.getLogger(QuorumAggregator.class);
    /** How often every owned scope is re-evaluated even without new verdicts: expiries and drill ends. */
    private static final Duration SWEEP = Duration.ofMillis(250);
    /** A clock this far from the broker's is worth a warning. */
    private static final Duration SKEW_WARNING = Duration.ofSeconds(2);

    private final String id;
    private final KafkaClients kafka;
    private final String transactionalId;
    private final DetectorSettings.Quorum settings;
    private final QuorumRule rule;
    private final DetectorMetrics metrics;
    private final Clock clock;
    private final SigningKey signer;
    private final VerdictVerifier verifier;
    private final Map<String, Instant> refusalLogged = new HashMap<>();
    /** Verdict ages are judged on the broker's clock; this is how far ours is from it. */
    private final BrokerClock brokerClock = new BrokerClock();

    private Instant skewLogged;

    // Owned by the aggregator thread.
    private final Map<String, ScopeQuorum> owned = new HashMap<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Map<TopicPartition, Long> replayEnd = new HashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Per scope, the trace of the last change that came with one: the parent of the scope's next event. */
    private final Map<String, Context> traces = new HashMap<>();

    private KafkaProducer<String, String> producer;
    private int partitionCount;
    private boolean caughtUp;
    private Instant lastSweep = Instant.EPOCH;
    private String lastFailure;

    private volatile KafkaConsumer<String, String> consumer;
    private volatile Map<String, QuorumView> snapshot = Map.of();
    private volatile boolean ready;

    /**
     * @param signer   the key this instance signs its outage events with (its vantage's key)
     * @param verifier which verdicts count: those signed by the roster's keys
     */
    public QuorumAggregator(
            String id,
            KafkaClients kafka,
            DetectorSettings.Quorum settings,
            DetectorMetrics metrics,
            Clock clock,
            SigningKey signer,
            VerdictVerifier verifier) {
        super("baran-aggregator-" + id);
        this.signer = signer;
        this.verifier = verifier;
        this.id = id;
        this.kafka = kafka;
        // Unique per process: replicas that share a vantage id must not fence each other. Zombies are fenced by the
        // consumer group's generation instead (the offsets are committed in the transaction).
        this.transactionalId =
                "baran-aggregator-" + id + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.settings = settings;
        this.rule = new QuorumRule(settings.minVotes(), settings.ratio(), settings.vantageExpiry());
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Whether it owns partitions and has caught up with them, so that it decides. */
    public boolean ready() {
        return ready;
    }

    /** The scopes this instance aggregates, as of the last round. */
    public Map<String, QuorumView> scopes() {
        return snapshot;
    }

    @Override
    protected void run() {
        long backoff = 1_000;
        while (!closed) {
            try {
                DetectorTopics.ensure(kafka, settings);
                session();
                backoff = 1_000;
            } catch (InterruptedException e) {
                return;
            } catch (WakeupException e) {
                if (closed) {
                    return;
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                String message = e.getMessage();
                if (!String.valueOf(message).equals(lastFailure)) {
                    LOG.errorf(
                            "aggregator %s: %s; it starts over (owned scopes are reloaded from %s) in %d ms",
                            id, message, settings.decisionsTopic(), backoff);
                    lastFailure = message;
                }
                pause(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            } finally {
                forgetAll();
            }
        }
    }

    private void session() {
        try (KafkaProducer<String, String> p = producer();
                KafkaConsumer<String, String> c = consumer()) {
            producer = p;
            consumer = c;
            polling(c);
            p.initTransactions();
            c.subscribe(List.of(settings.verdictsTopic()), new Rebalance());
            if (lastFailure != null) {
                LOG.infof("aggregator %s: connected again", id);
            }
            lastFailure = null;
            LOG.debugf("aggregator %s: transactional id %s, group %s", id, transactionalId, settings.group());
            while (!closed) {
                var records = c.poll(Duration.ofMillis(100));
                Instant now = clock.instant();
                for (ConsumerRecord<String, String> r : records) {
                    handle(r, now);
                }
                if (!caughtUp
                        && !assigned.isEmpty()
                        && assigned.stream().allMatch(tp -> c.position(tp) >= replayEnd.getOrDefault(tp, 0L))) {
                    caughtUp = true;
                    ready = true;
                    dirty.addAll(owned.keySet());
                    LOG.infof(
                            "aggregator %s: caught up on %d partitions of %s; deciding for %d scopes known so far",
                            id, assigned.size(), settings.verdictsTopic(), owned.size());
                }
                if (caughtUp) {
                    if (Duration.between(lastSweep, now).compareTo(SWEEP) >= 0) {
                        dirty.addAll(owned.keySet());
                        lastSweep = now;
                        snapshot(now);
                        warnOfSkew(now);
                    }
                    decide(now);
                }
            }
        } finally {
            producer = null;
            consumer = null;
            polling(null);
        }
    }

    private void handle(ConsumerRecord<String, String> r, Instant now) {
        if (r.key() == null || r.value() == null) {
            return;
        }
        Object message;
        try {
            message = verifier.accept(r);
        } catch (RefusedEventException e) {
            refused(r, e, now);
            return;
        } catch (IllegalArgumentException e) {
            LOG.warnf("aggregator %s: %s-%d@%d skipped: %s", id, r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        if (message == null) {
            return;
        }
        String scope = r.key();
        ScopeQuorum quorum = owned.computeIfAbsent(scope, this::quorum);
        Context trace = KafkaTrace.extract(r.headers());
        if (KafkaTrace.traced(trace)) {
            traces.put(scope, trace);
        }
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        boolean live = r.offset() >= replayEnd.getOrDefault(tp, 0L);
        Instant stamped = Instant.ofEpochMilli(r.timestamp());
        if (live && r.timestampType() == TimestampType.LOG_APPEND_TIME) {
            brokerClock.observe(stamped, now);
        }
        if (message instanceof VantageVerdict verdict) {
            // Seen at the broker's time (LogAppendTime), and judged against the broker's time now (BrokerClock).
            Instant brokerNow = brokerClock.now(now);
            quorum.see(verdict, stamped.isAfter(brokerNow) ? brokerNow : stamped);
        } else if (message instanceof Simulation simulation) {
            // Its start-by is judged on the broker's clock too: from when the broker took it.
            quorum.simulate(simulation, r.timestampType() == TimestampType.LOG_APPEND_TIME ? stamped : null);
        }
        if (live) {
            dirty.add(scope);
        }
    }

    /** A record that does not count: counted by reason, and logged once a minute per reason and key. */
    private void refused(ConsumerRecord<String, String> r, RefusedEventException e, Instant now) {
        metrics.verdictRefused(e.reason().code());
        String key = e.reason().code() + "|" + e.kid();
        Instant last = refusalLogged.get(key);
        if (last == null || Duration.between(last, now).compareTo(Duration.ofMinutes(1)) >= 0) {
            if (refusalLogged.size() > 1000) {
                refusalLogged.clear();
            }
            refusalLogged.put(key, now);
            LOG.warnf(
                    "aggregator %s: %s-%d@%d (scope %s) not counted: %s (such records are counted in"
                            + " baran_quorum_verdicts_refused_total, and logged once a minute)",
                    id, r.topic(), r.partition(), r.offset(), r.key(), e.getMessage());
        }
    }

    private ScopeQuorum quorum(String scope) {
        ScopeQuorum quorum = new ScopeQuorum(scope, ScopeRecord.initial(scope), rule);
        metrics.trackDecision(scope, () -> quorum.record().state());
        return quorum;
    }

    private void decide(Instant now) {
        if (dirty.isEmpty()) {
            return;
        }
        List<ScopeQuorum.Outcome> outcomes = new ArrayList<>();
        Instant brokerNow = brokerClock.now(now);
        for (String scope : dirty) {
            ScopeQuorum quorum = owned.get(scope);
            if (quorum != null) {
                quorum.evaluate(now, brokerNow, id).ifPresent(outcomes::add);
            }
        }
        dirty.clear();
        if (outcomes.isEmpty()) {
            return;
        }
        commit(outcomes, now);
        for (ScopeQuorum.Outcome o : outcomes) {
            owned.get(o.scope()).apply(o);
            log(o);
            if (o.eventType() != null) {
                metrics.decision(o.eventType().substring(o.eventType().lastIndexOf('.') + 1), o.latency());
            }
            // Decisions often come in pairs (a drill's end, a real change); look again at once.
            dirty.add(o.scope());
        }
        snapshot(now);
    }

    private void commit(List<ScopeQuorum.Outcome> outcomes, Instant now) {
        List<Span> spans = new ArrayList<>();
        producer.beginTransaction();
        try {
            for (ScopeQuorum.Outcome o : outcomes) {
                if (o.event() != null) {
                    ProducerRecord<String, String> record = new ProducerRecord<>(
                            settings.healthTopic(),
                            o.scope(),
                            EventSignature.sign(EventCodec.encode(cloudEvent(o, now)), signer));
                    Span span = KafkaTrace.publish(
                            traces.getOrDefault(o.scope(), Context.root()),
                            settings.healthTopic(),
                            o.eventType(),
                            o.scope(),
                            record.headers());
                    span.setAttribute("baran.incident", o.event().incidentId());
                    span.setAttribute("baran.drill", o.event().drill());
                    spans.add(span);
                    producer.send(record);
                }
                producer.send(new ProducerRecord<>(
                        settings.decisionsTopic(), o.scope(), DecisionsReader.seal(o.next(), signer)));
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : assigned) {
                offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            spans.forEach(Span::end);
            outcomes.forEach(o -> {
                if (o.event() != null) {
                    traces.remove(o.scope()); // the scope's next event belongs to the next change's trace
                }
            });
        } catch (KafkaException e) {
            spans.forEach(span -> {
                span.setStatus(StatusCode.ERROR, "the Kafka transaction failed");
                span.end();
            });
            for (ScopeQuorum.Outcome o : outcomes) {
                if (o.event() != null) {
                    LOG.errorf(
                            "NOT published %s for scope %s (incident %s): the Kafka transaction failed (%s); the aggregator"
                                    + " reloads and decides again",
                            o.eventType(), o.scope(), o.event().incidentId(), e.getMessage());
                }
            }
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // A fenced or failed producer cannot abort; the transaction times out on the broker instead.
            }
            throw e;
        }
    }

    /**
     * The event; its {@code time} is when the quorum decided (consumers judge an event's age by it), its
     * {@code data.since} when the vantages saw the change.
     */
    private CloudEvent<OutageEvent> cloudEvent(ScopeQuorum.Outcome o, Instant decidedAt) {
        OutageEvent event = o.event();
        // The same decision always gets the same id, so a consumer can recognise it however often it sees it.
        String eventId = UUID.nameUUIDFromBytes(
                        (o.eventType() + "|" + event.incidentId()).getBytes(StandardCharsets.UTF_8))
                .toString();
        return CloudEvent.of(eventId, "/baran/detector/" + id, o.eventType(), o.scope(), decidedAt, event);
    }

    private void log(ScopeQuorum.Outcome o) {
        ScopeRecord r = o.next();
        List<String> votes =
                r.votes().stream().map(v -> v.vantage() + "=" + v.verdict()).toList();
        if (o.event() == null) {
            LOG.infof("scope %s: the quorum agrees it is UP (votes %s)", o.scope(), votes);
            return;
        }
        OutageEvent e = o.event();
        LOG.infof(
                "published %s for scope %s (incident %s%s): votes %s, confidence %.2f, %d ms after the first vantage saw it",
                o.eventType(),
                o.scope(),
                e.incidentId(),
                e.drill() ? ", a drill" : "",
                e.votes().stream().map(v -> v.vantage() + "=" + v.verdict()).toList(),
                e.confidence(),
                o.latency().toMillis());
    }

    /**
     * A clock far from the broker's decides right (ages are judged on the broker's clock), but stamps its events and
     * drills with its own time: said once every ten minutes, so that someone fixes it.
     */
    private void warnOfSkew(Instant now) {
        Duration ahead = brokerClock.ahead().orElse(Duration.ZERO);
        if (ahead.abs().compareTo(SKEW_WARNING) < 0
                || skewLogged != null && Duration.between(skewLogged, now).compareTo(Duration.ofMinutes(10)) < 0) {
            return;
        }
        skewLogged = now;
        LOG.warnf(
                "aggregator %s: its clock is about %d ms %s the Kafka broker's (from the timestamps the broker puts on"
                        + " %s): vantages' ages are judged on the broker's clock, so the quorum decides as it should, but"
                        + " the outage events' times and drills are this clock's; synchronise it (NTP)",
                id, ahead.abs().toMillis(), ahead.isNegative() ? "behind" : "ahead of", settings.verdictsTopic());
    }

    private void snapshot(Instant now) {
        Map<String, QuorumView> views = new TreeMap<>();
        Instant brokerNow = brokerClock.now(now);
        owned.forEach((scope, quorum) -> {
            ScopeQuorum.Tally tally = quorum.tally(brokerNow);
            List<QuorumView.VoteView> votes = quorum.latest().stream()
                    .map(s -> new QuorumView.VoteView(
                            s.verdict().vantage(),
                            s.verdict().verdict(),
                            s.verdict().isolated(),
                            s.since(),
                            s.seenAt(),
                            tally.live().contains(s)))
                    .toList();
            views.put(
                    scope,
                    new QuorumView(scope, quorum.record(), votes, tally.live().size(), tally.required()));
        });
        snapshot = Map.copyOf(views);
    }

    private void forgetAll() {
        owned.keySet().forEach(metrics::untrackDecision);
        owned.clear();
        traces.clear();
        assigned.clear();
        replayEnd.clear();
        dirty.clear();
        caughtUp = false;
        ready = false;
        snapshot = Map.of();
    }

    private int partition(String scope) {
        return Utils.toPositive(Utils.murmur2(scope.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    /** Takes over and gives up partitions, and the scopes on them. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            KafkaConsumer<String, String> c = consumer;
            Instant now = clock.instant();
            partitionCount = c.partitionsFor(settings.verdictsTopic()).size();
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            Map<TopicPartition, Long> times = new HashMap<>();
            Instant brokerNow = brokerClock.now(now);
            partitions.forEach(tp ->
                    times.put(tp, brokerNow.minus(settings.vantageExpiry()).toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> from = c.offsetsForTimes(times);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = from.get(tp);
                c.seek(tp, start == null ? end.get(tp) : start.offset());
                replayEnd.put(tp, end.get(tp));
            }
            assigned.addAll(partitions);
            Set<Integer> numbers = new HashSet<>();
            partitions.forEach(tp -> numbers.add(tp.partition()));
            int loaded = 0;
            for (Map.Entry<String, ScopeRecord> e : DecisionsReader.readAll(
                            kafka, settings.decisionsTopic(), verifier.roster())
                    .entrySet()) {
                if (numbers.contains(partition(e.getKey()))) {
                    owned.computeIfAbsent(e.getKey(), QuorumAggregator.this::quorum)
                            .restore(e.getValue());
                    loaded++;
                }
            }
            caughtUp = false;
            ready = false;
            LOG.infof(
                    "aggregator %s: took over partitions %s of %s with %d recorded scopes; replaying the last %d ms of verdicts",
                    id,
                    numbers,
                    settings.verdictsTopic(),
                    loaded,
                    settings.vantageExpiry().toMillis());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            giveUp(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            giveUp(partitions);
        }

        private void giveUp(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            assigned.removeAll(partitions);
            partitions.forEach(replayEnd::remove);
            Set<Integer> numbers = new HashSet<>();
            partitions.forEach(tp -> numbers.add(tp.partition()));
            owned.keySet().removeIf(scope -> {
                boolean gone = partitionCount > 0 && numbers.contains(partition(scope));
                if (gone) {
                    metrics.untrackDecision(scope);
                    traces.remove(scope);
                }
                return gone;
            });
            LOG.infof("aggregator %s: gave up partitions %s of %s", id, numbers, settings.verdictsTopic());
        }
    }

    private KafkaProducer<String, String> producer() {
        return kafka.producer(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG,
                "baran-aggregator-" + id,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                10_000,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                10_000));
    }

    private KafkaConsumer<String, String> consumer() {
        return kafka.consumer(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "baran-aggregator-" + id,
                ConsumerConfig.GROUP_ID_CONFIG,
                settings.group(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "latest",
                // A crashed aggregator's scopes move to the others after this, not after the 45 s default.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                2_000));
    }
}
