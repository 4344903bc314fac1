package io.baran.detector.messaging;

import io.baran.detector.config.DetectorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the detector's own topics when they do not exist yet. The verdicts topic stamps records with the
 * broker's clock (LogAppendTime), so whether a vantage is live is judged by one clock, not by each vantage's; it
 * keeps verdicts an hour, long after they stop mattering. The decisions topic is compacted: one record per scope.
 */
public final class DetectorTopics {

    private static final Logger LOG = Logger.getLogger(DetectorTopics.class);

    private DetectorTopics() {}

    /**
     * Creates whichever of the verdicts, decisions and health topics is missing; the health topic, shared with the
     * orchestrator, gets the broker's defaults, as it would when created by its first event.
     *
     * @throws IllegalStateException when Kafka cannot be reached or refuses
     */
    public static void ensure(KafkaClients kafka, DetectorSettings.Quorum q) throws InterruptedException {
        ensure(kafka, q, Duration.ofSeconds(15));
    }

    public static void ensure(KafkaClients kafka, DetectorSettings.Quorum q, Duration within)
            throws InterruptedException {
        int millis = (int) Math.min(Integer.MAX_VALUE, within.toMillis());
        try (Admin admin = kafka.admin(Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                millis,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Math.min(millis, 5_000)))) {
            List<NewTopic> topics = List.of(
                    new NewTopic(q.verdictsTopic(), q.partitions(), q.replicationFactor())
                            .configs(Map.of(
                                    "message.timestamp.type", "LogAppendTime",
                                    "retention.ms", "3600000")),
                    new NewTopic(q.decisionsTopic(), q.partitions(), q.replicationFactor())
                            .configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(q.healthTopic(), Optional.empty(), Optional.empty()));
            Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
            for (NewTopic topic : topics) {
                try {
                    results.get(topic.name()).get(millis, TimeUnit.MILLISECONDS);
                    LOG.infof("created topic %s", topic.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + topic.name() + ": "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException(
                            "Kafka at " + kafka.bootstrap() + " did not answer within " + millis
                                    + " ms while creating topic " + topic.name(),
                            e);
                }
            }
        }
    }
}
