package io.baran.detector.messaging;

import io.baran.detector.config.DetectorSettings;
import io.baran.detector.probe.ProbeTrace;
import io.baran.detector.quorum.Simulation;
import io.baran.detector.quorum.VantageVerdict;
import io.baran.detector.quorum.VerdictCodec;
import io.baran.detector.state.Health;
import io.baran.detector.state.VerdictSink;
import io.baran.events.EventSignature;
import io.baran.events.KafkaTrace;
import io.baran.events.OutageEvent;
import io.baran.events.SigningKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Sends this vantage's verdicts to the verdicts topic, keyed by scope, from a thread of its own: the Kafka producer
 * can block (up to {@code max.block.ms}) while the broker is unreachable, and probe results arrive on event loops
 * that must never block. Only the latest verdict per scope waits to be sent: a verdict is superseded by the next
 * one, so an unreachable broker costs memory for one verdict per scope, never a backlog.
 *
 * <p>Sending gives up after seconds, not minutes: a verdict older than the vantage expiry counts for nothing, and
 * the next heartbeat repeats it anyway. Every record is signed with the vantage's key. A change that cannot be sent is logged as an error; heartbeats that cannot
 * be sent are logged once a minute.
 *
 * <p>A change caused by a probe carries that probe's trace context ({@link ProbeTrace}) in the record's headers, so
 * the aggregator's outage event continues the same trace.
 */
public final class VerdictPublisher implements VerdictSink, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VerdictPublisher.class);
    private static final long HEARTBEAT_LOG_EVERY = TimeUnit.MINUTES.toNanos(1);

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final SigningKey signer;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Thread sender;
    private final AtomicLong failedHeartbeats = new AtomicLong();
    private volatile long lastHeartbeatLog;
    private volatile boolean closed;

    /** @param signer the vantage's key: every record it sends is signed with it */
    public VerdictPublisher(KafkaClients kafka, DetectorSettings.Quorum settings, String vantage, SigningKey signer) {
        this.topic = settings.verdictsTopic();
        this.signer = signer;
        this.producer = kafka.producer(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "baran-vantage-" + vantage,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000));
        this.sender = new Thread(this::sendLoop, "baran-verdicts-" + vantage);
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** A verdict changed: it goes out ahead of the next heartbeat. */
    @Override
    public void changed(VantageVerdict verdict) {
        pending.merge(verdict.scope(), new Pending(verdict, ProbeTrace.changed(verdict)), (older, newer) -> newer);
        LockSupport.unpark(sender);
    }

    /** Repeats these verdicts; a change still waiting for the same scope is kept rather than overwritten. */
    public void heartbeat(Iterable<VantageVerdict> verdicts) {
        for (VantageVerdict v : verdicts) {
            pending.merge(
                    v.scope(),
                    new Pending(v, Context.root()),
                    (waiting, beat) -> waiting.verdict().change() ? waiting : beat);
        }
        LockSupport.unpark(sender);
    }

    /**
     * Sends a simulation request and waits until Kafka has it.
     *
     * @throws IllegalStateException when Kafka did not take it within the producer's timeouts
     */
    public void simulate(Simulation simulation) {
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(
                    topic, simulation.scope(), EventSignature.sign(VerdictCodec.encode(simulation), signer));
            KafkaTrace.inject(Context.current(), record.headers()); // the REST call that asked for it, when traced
            producer.send(record).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the simulation of " + simulation.scope(), e);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "Kafka did not take the simulation of " + simulation.scope() + ": " + cause.getMessage(), cause);
        }
    }

    private void sendLoop() {
        while (!closed) {
            if (pending.isEmpty()) {
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                continue;
            }
            // Changes first: while Kafka is slow or away, a heartbeat must not hold up the news.
            drain(true);
            drain(false);
        }
    }

    private void drain(boolean changes) {
        Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext() && !closed) {
            Map.Entry<String, Pending> entry = it.next();
            Pending waiting = entry.getValue();
            if (waiting.verdict().change() == changes && pending.remove(entry.getKey(), waiting)) {
                send(waiting.verdict(), waiting.trace());
            }
        }
    }

    private void send(VantageVerdict verdict, Context trace) {
        Span span = null;
        try {
            String signed = EventSignature.sign(VerdictCodec.encode(verdict), signer);
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, verdict.scope(), signed);
            if (KafkaTrace.traced(trace)) {
                span = KafkaTrace.publish(trace, topic, VantageVerdict.TYPE, verdict.scope(), record.headers());
            }
            Span sent = span;
            producer.send(record, (metadata, failure) -> {
                if (failure != null) {
                    failed(verdict, failure);
                } else if (verdict.change()) {
                    LOG.debugf("published %s", describe(verdict));
                }
                end(sent, failure);
            });
        } catch (RuntimeException e) {
            end(span, e);
            failed(verdict, e);
        }
    }

    private static void end(Span span, Throwable failure) {
        if (span == null) {
            return;
        }
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
    }

    /** A verdict waiting to be sent, and the trace it belongs to ({@link Context#root()} for none). */
    private record Pending(VantageVerdict verdict, Context trace) {}

    private void failed(VantageVerdict verdict, Throwable failure) {
        if (verdict.change()) {
            LOG.errorf(
                    "NOT published %s: Kafka did not take it (%s); the next heartbeat repeats it",
                    describe(verdict), failure.getMessage());
            return;
        }
        long count = failedHeartbeats.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastHeartbeatLog > HEARTBEAT_LOG_EVERY || lastHeartbeatLog == 0) {
            lastHeartbeatLog = now;
            LOG.warnf(
                    "vantage %s: %d heartbeats NOT published so far; last: %s",
                    verdict.vantage(), count, failure.getMessage());
        }
    }

    /**
     * What a verdict means, for the log: a DOWN vote is this vantage detecting the outage, and it reads as such,
     * naming the vantage's own incident id.
     */
    static String describe(VantageVerdict v) {
        if (v.verdict() == Health.DOWN) {
            return OutageEvent.DETECTED + " for scope " + v.scope() + " (incident " + v.incidentId()
                    + ") as the vote of vantage " + v.vantage();
        }
        return "vote " + v.verdict() + (v.isolated() ? " (abstaining)" : "") + " of vantage " + v.vantage()
                + " for scope " + v.scope();
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(sender);
        try {
            sender.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }
}
