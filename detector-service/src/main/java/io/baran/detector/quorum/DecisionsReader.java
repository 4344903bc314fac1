package io.baran.detector.quorum;

import io.baran.detector.messaging.KafkaClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/** Reads the decisions topic from its start to its (committed) end: every scope's last decided state. */
final class DecisionsReader {

    private static final Logger LOG = Logger.getLogger(DecisionsReader.class);
    private static final Duration AT_MOST = Duration.ofSeconds(30);

    private DecisionsReader() {}

    static Map<String, ScopeRecord> readAll(KafkaClients kafka, String topic) {
        Map<String, ScopeRecord> records = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(kafka, "baran-decisions-reader")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, AT_MOST).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed the end is the last stable offset: a transaction still open is not waited for.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, AT_MOST);
            long deadline = System.nanoTime() + AT_MOST.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "could not read " + topic + " to its end within " + AT_MOST.toSeconds() + " s");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(records, r);
                }
            }
        }
        return records;
    }

    static void apply(Map<String, ScopeRecord> records, ConsumerRecord<String, String> r) {
        if (r.value() == null) {
            records.remove(r.key());
            return;
        }
        try {
            records.put(r.key(), VerdictCodec.decodeRecord(r.value()));
        } catch (IllegalArgumentException e) {
            LOG.warnf("decision of scope %s at %s-%d skipped: %s", r.key(), r.topic(), r.offset(), e.getMessage());
        }
    }

    static KafkaConsumer<String, String> consumer(KafkaClients kafka, String clientId) {
        return kafka.consumer(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG,
                clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"));
    }
}
