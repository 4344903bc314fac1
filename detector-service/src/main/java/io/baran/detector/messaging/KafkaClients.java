package io.baran.detector.messaging;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Makes the detector's Kafka clients from the service's {@code kafka.*} configuration (bootstrap servers, and
 * security settings such as {@code kafka.security.protocol} and {@code kafka.sasl.*} when the cluster needs them),
 * with each client's own settings on top.
 */
public final class KafkaClients {

    private final Map<String, Object> common;

    /** @param config the {@code kafka.*} properties without their prefix, as Quarkus collects them */
    public KafkaClients(Map<String, Object> config) {
        Map<String, Object> copy = new HashMap<>(config);
        // Every client here says which group it is in, if any; a default group must not leak into the others.
        copy.remove(ConsumerConfig.GROUP_ID_CONFIG);
        copy.keySet().removeIf(key -> key.startsWith("tls-configuration-name") || key.startsWith("devservices"));
        // While Kafka is unreachable, four clients retrying every second would fill the log; the detector reports
        // what it could not publish itself.
        copy.putIfAbsent("reconnect.backoff.max.ms", 10_000);
        this.common = Map.copyOf(copy);
    }

    public static KafkaClients of(String bootstrap) {
        return new KafkaClients(Map.of("bootstrap.servers", bootstrap));
    }

    public String bootstrap() {
        return String.valueOf(common.get("bootstrap.servers"));
    }

    public KafkaProducer<String, String> producer(Map<String, Object> own) {
        return new KafkaProducer<>(merge(own), new StringSerializer(), new StringSerializer());
    }

    public KafkaConsumer<String, String> consumer(Map<String, Object> own) {
        return new KafkaConsumer<>(merge(own), new StringDeserializer(), new StringDeserializer());
    }

    public Admin admin(Map<String, Object> own) {
        return Admin.create(merge(own));
    }

    private Map<String, Object> merge(Map<String, Object> own) {
        Map<String, Object> all = new HashMap<>(common);
        all.putAll(own);
        return all;
    }
}
