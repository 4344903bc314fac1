package io.baran.detector.messaging;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.config.DetectorSettings;
import io.baran.testinfra.KafkaBroker;
import io.baran.testinfra.WorkDirs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The detector's topics as they exist on a real Kafka broker, made by someone else with other settings. */
class DetectorTopicsIT {

    private static KafkaBroker kafka;

    @BeforeAll
    static void start() {
        kafka = KafkaBroker.start(WorkDirs.create("kafka-topics"));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static DetectorSettings.Quorum quorum(String name) {
        return new DetectorSettings.Quorum(
                true,
                1,
                0.5,
                Duration.ofMillis(250),
                Duration.ofSeconds(5),
                name + ".verdicts",
                name + ".decisions",
                name + ".health",
                name + ".aggregators",
                3,
                (short) 1);
    }

    @Test
    void existingTopicsWhoseSettingsWouldMisleadTheQuorumAreRefusedNamingEachTopicAndSetting() throws Exception {
        DetectorSettings.Quorum q = quorum("made-by-hand");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(q.verdictsTopic(), 3, (short) 1)
                                    .configs(Map.of("message.timestamp.type", "CreateTime", "retention.ms", "1000")),
                            new NewTopic(q.decisionsTopic(), 3, (short) 1).configs(Map.of("cleanup.policy", "delete"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        DetectorTopics.TopicSettingsException refused = assertThrows(
                DetectorTopics.TopicSettingsException.class,
                () -> DetectorTopics.ensure(KafkaClients.of(kafka.bootstrapServers()), q));
        String message = refused.getMessage();
        for (String expected : List.of(
                "topic made-by-hand.verdicts has message.timestamp.type=CreateTime",
                "--entity-name made-by-hand.verdicts --add-config message.timestamp.type=LogAppendTime",
                "topic made-by-hand.verdicts has retention.ms=1000, shorter than baran.detector.quorum.vantage-expiry",
                "topic made-by-hand.decisions has cleanup.policy=delete")) {
            assertTrue(message.contains(expected), "no \"" + expected + "\" in: " + message);
        }
    }
}
