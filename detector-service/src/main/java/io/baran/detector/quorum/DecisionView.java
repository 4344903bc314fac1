package io.baran.detector.quorum;

import io.baran.detector.messaging.KafkaClients;
import io.baran.events.VantageRoster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Follows the decisions topic so that every instance can show every scope's decision, including the scopes another
 * instance aggregates. It only reads; it decides nothing.
 */
public final class DecisionView extends ConsumerThread {

    private static final Logger LOG = Logger.getLogger(DecisionView.class);

    private final KafkaClients kafka;
    private final String topic;
    private final VantageRoster roster;
    private final Map<String, ScopeRecord> records = new ConcurrentHashMap<>();

    /** @param roster whose signatures a decision must carry to be shown ({@link DecisionsReader#open}) */
    public DecisionView(KafkaClients kafka, String topic, String vantage, VantageRoster roster) {
        super("baran-decision-view-" + vantage);
        this.kafka = kafka;
        this.topic = topic;
        this.roster = roster;
    }

    public Optional<ScopeRecord> get(String scope) {
        return Optional.ofNullable(records.get(scope));
    }

    public Map<String, ScopeRecord> all() {
        return Map.copyOf(records);
    }

    @Override
    protected void run() {
        long backoff = 1_000;
        while (!closed) {
            try (KafkaConsumer<String, String> c = DecisionsReader.consumer(kafka, "baran-decision-view")) {
                polling(c);
                List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                c.assign(partitions);
                c.seekToBeginning(partitions);
                backoff = 1_000;
                while (!closed) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                        DecisionsReader.apply(records, r, roster);
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.debugf("decision view: %s; retrying in %d ms", e.getMessage(), backoff);
                pause(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            } finally {
                polling(null);
            }
        }
    }
}
