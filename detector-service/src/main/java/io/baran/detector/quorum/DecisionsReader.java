package io.baran.detector.quorum;

import io.baran.detector.messaging.KafkaClients;
import io.baran.events.EventSignature;
import io.baran.events.RefusedEventException;
import io.baran.events.VantageRoster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Reads the decisions topic from its start to its (committed) end: every scope's last decided state. A decision counts
 * only when an aggregator signed it with a key of the roster ({@link EventSignature}, as it signs outage events), it is
 * keyed by its own scope, and the incidents it names are that scope's: a record written by anyone else who may write
 * the topic (its Kafka credential, without a vantage's key) is skipped, so it cannot make the aggregator sign the
 * recovery of an incident it never decided. Of a scope's records the one furthest on ({@link ScopeRecord#seq}) is
 * kept, so an older signed record written again is not taken for the latest while the latest is still on the topic;
 * once compaction has removed it (the topic is compacted by key), the older one is all there is. So signing does not
 * replace the topic's ACLs: only the aggregators' principal may write it.
 */
final class DecisionsReader {

    private static final Logger LOG = Logger.getLogger(DecisionsReader.class);
    private static final Duration AT_MOST = Duration.ofSeconds(30);

    private DecisionsReader() {}

    static Map<String, ScopeRecord> readAll(KafkaClients kafka, String topic, VantageRoster roster) {
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
                    apply(records, r, roster);
                }
            }
        }
        return records;
    }

    static void apply(Map<String, ScopeRecord> records, ConsumerRecord<String, String> r, VantageRoster roster) {
        if (r.value() == null) {
            // Aggregators never delete a scope's record: a tombstone is someone else's, and unsigned.
            LOG.warnf("decision of scope %s at %s-%d skipped: an empty record", r.key(), r.topic(), r.offset());
            return;
        }
        try {
            ScopeRecord opened = open(r.key(), r.value(), roster);
            ScopeRecord known = records.get(r.key());
            if (known != null && known.seq() > opened.seq()) {
                // A decision the scope went past, written again: the one read before it is the latest.
                LOG.warnf(
                        "decision of scope %s at %s-%d skipped: decision %d of the scope, which is at %d already",
                        r.key(), r.topic(), r.offset(), opened.seq(), known.seq());
                return;
            }
            records.put(r.key(), opened);
        } catch (IllegalArgumentException | RefusedEventException e) {
            LOG.warnf("decision of scope %s at %s-%d skipped: %s", r.key(), r.topic(), r.offset(), e.getMessage());
        }
    }

    /** The decision a record of the topic holds, signed as {@link #seal} signs it. */
    static String seal(ScopeRecord record, io.baran.events.SigningKey key) {
        return EventSignature.sign(VerdictCodec.encode(record), key);
    }

    /**
     * The decision a record holds, once its signature, scope and incidents are checked.
     *
     * @throws RefusedEventException unsigned, or not signed by a key of the roster
     * @throws IllegalArgumentException unreadable, or not the decision of the scope it is keyed by
     */
    static ScopeRecord open(String key, String value, VantageRoster roster) {
        ScopeRecord record =
                VerdictCodec.decodeRecord(EventSignature.verify(value, roster).json());
        if (key == null || !key.equals(record.scope())) {
            throw new IllegalArgumentException(
                    "the decision of scope " + record.scope() + " was written under the key " + key);
        }
        java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(
                                record.incidentId(),
                                record.drill() == null ? null : record.drill().incidentId()),
                        record.history().stream().map(ScopeRecord.Decision::incidentId))
                .filter(java.util.Objects::nonNull)
                .filter(incident -> !io.baran.events.OutageEvent.isIncidentOf(key, incident))
                .findFirst()
                .ifPresent(incident -> {
                    throw new IllegalArgumentException(
                            "the decision of scope " + key + " names incident " + incident + " of another scope");
                });
        return record;
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
