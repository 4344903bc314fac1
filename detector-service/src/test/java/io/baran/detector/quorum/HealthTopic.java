package io.baran.detector.quorum;

import static org.junit.jupiter.api.Assertions.fail;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.OutageEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a health topic from its beginning, committed events only, as the orchestrator should. */
final class HealthTopic implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<CloudEvent<OutageEvent>> events = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    HealthTopic(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (partitions.isEmpty() && System.nanoTime() < deadline) {
            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        if (partitions.isEmpty()) {
            fail("topic " + topic + " has no partitions");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Every event read so far, reading what has arrived meanwhile for the given time. */
    List<CloudEvent<OutageEvent>> after(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        do {
            poll();
        } while (System.nanoTime() < deadline);
        return List.copyOf(events);
    }

    /** Waits (at most {@code within}) until the events read so far satisfy the condition. */
    List<CloudEvent<OutageEvent>> await(
            String what, Predicate<List<CloudEvent<OutageEvent>>> condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            poll();
            if (condition.test(events)) {
                return List.copyOf(events);
            }
        }
        fail("no " + what + " within " + within.toSeconds() + " s; events: " + events);
        return null;
    }

    List<String> keys() {
        return List.copyOf(keys);
    }

    private void poll() {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
            keys.add(r.key());
            events.add(EventCodec.decodeOutage(r.value()));
        }
    }

    static long count(List<CloudEvent<OutageEvent>> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).count();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
