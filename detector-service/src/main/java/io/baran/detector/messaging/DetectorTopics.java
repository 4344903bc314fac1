package io.baran.detector.messaging;

import io.baran.detector.config.DetectorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the detector's own topics when they do not exist yet. The verdicts topic stamps records with the
 * broker's clock (LogAppendTime), so whether a vantage is live is judged by one clock, not by each vantage's; it
 * keeps verdicts an hour, long after they stop mattering. The decisions topic is compacted: one record per scope.
 *
 * <p>Topics that exist already (made by hand, by Strimzi, or by an older version) are checked against what the
 * detector relies on ({@link #problems}): a setting that would make it decide wrongly stops the aggregator, which
 * says which setting of which topic to change and retries; one that only costs something is warned about once.
 */
public final class DetectorTopics {

    private static final Logger LOG = Logger.getLogger(DetectorTopics.class);

    /** Warnings already given: the topics are checked at start and at every aggregator session. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

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
            check(admin, q, millis);
        }
    }

    /** Settings of existing topics that make the detector decide wrongly: it refuses to aggregate on them. */
    public static final class TopicSettingsException extends IllegalStateException {
        public TopicSettingsException(List<String> problems) {
            super("the detector's topics are set up wrongly: " + String.join("; ", problems));
        }
    }

    private static void check(Admin admin, DetectorSettings.Quorum q, int millis) throws InterruptedException {
        List<String> topics = List.of(q.verdictsTopic(), q.decisionsTopic());
        Map<String, Integer> partitions = new HashMap<>();
        Map<String, Config> configs = new HashMap<>();
        try {
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get(millis, TimeUnit.MILLISECONDS)
                    .forEach((name, d) -> partitions.put(name, d.partitions().size()));
            admin.describeConfigs(topics.stream()
                            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                            .toList())
                    .all()
                    .get(millis, TimeUnit.MILLISECONDS)
                    .forEach((resource, config) -> configs.put(resource.name(), config));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                warnOnce(
                        "the settings of topics " + topics + " are not checked: "
                                + e.getCause().getMessage()
                                + " (allow this detector's principal DescribeConfigs on them, see k8s/overlays/prod/kafka/acls.txt)");
                return;
            }
            throw new IllegalStateException(
                    "cannot read the settings of topics " + topics + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not answer within " + millis + " ms while reading the settings of topics " + topics, e);
        }
        Map<String, String> verdicts = values(configs.get(q.verdictsTopic()));
        Map<String, String> decisions = values(configs.get(q.decisionsTopic()));
        List<String> problems = problems(q, verdicts, decisions);
        int verdictPartitions = partitions.getOrDefault(q.verdictsTopic(), q.partitions());
        if (verdictPartitions < q.partitions()) {
            warnOnce("topic " + q.verdictsTopic() + " has " + verdictPartitions + " partitions, fewer than"
                    + " baran.detector.quorum.partitions (" + q.partitions() + "): its scopes are spread over at most "
                    + verdictPartitions + " aggregators (add partitions with kafka-topics.sh --alter --partitions)");
        }
        if (!problems.isEmpty()) {
            throw new TopicSettingsException(problems);
        }
    }

    /**
     * What is wrong with the verdicts and decisions topics' settings, each naming the topic, the setting, its value,
     * why it matters and how to set it.
     */
    static List<String> problems(
            DetectorSettings.Quorum q, Map<String, String> verdicts, Map<String, String> decisions) {
        List<String> problems = new ArrayList<>();
        String vt = q.verdictsTopic();
        String timestamps = verdicts.get("message.timestamp.type");
        if (timestamps != null && !"LogAppendTime".equals(timestamps)) {
            problems.add("topic " + vt + " has message.timestamp.type=" + timestamps + ": the vantages' own clocks"
                    + " would decide which of them is live; set it to LogAppendTime"
                    + howTo(vt, "message.timestamp.type=LogAppendTime"));
        }
        String verdictsPolicy = verdicts.get("cleanup.policy");
        if (verdictsPolicy != null && verdictsPolicy.contains("compact")) {
            problems.add("topic " + vt + " has cleanup.policy=" + verdictsPolicy + ": compaction keeps one verdict per"
                    + " scope, so an aggregator taking over would replay one vantage's verdict instead of every"
                    + " vantage's; set it to delete" + howTo(vt, "cleanup.policy=delete"));
        }
        String retention = verdicts.get("retention.ms");
        if (retention != null) {
            try {
                long ms = Long.parseLong(retention);
                if (ms >= 0 && ms < q.vantageExpiry().toMillis()) {
                    problems.add("topic " + vt + " has retention.ms=" + ms + ", shorter than"
                            + " baran.detector.quorum.vantage-expiry ("
                            + q.vantageExpiry().toMillis() + " ms): an"
                            + " aggregator taking over replays the last vantage-expiry of verdicts and would find"
                            + " live vantages missing; keep them an hour" + howTo(vt, "retention.ms=3600000"));
                }
            } catch (NumberFormatException e) {
                problems.add("topic " + vt + " has retention.ms=" + retention + ", which is not a number");
            }
        }
        String dt = q.decisionsTopic();
        String decisionsPolicy = decisions.get("cleanup.policy");
        if (decisionsPolicy != null && !"compact".equals(decisionsPolicy.replace(" ", ""))) {
            problems.add("topic " + dt + " has cleanup.policy=" + decisionsPolicy + ": it must be compact only, or the"
                    + " record of a scope that decides nothing for a while is deleted and an aggregator taking over"
                    + " forgets its open incident (its recovery is never published)"
                    + howTo(dt, "cleanup.policy=compact"));
        }
        return problems;
    }

    private static String howTo(String topic, String setting) {
        return " (kafka-configs.sh --bootstrap-server <kafka> --alter --entity-type topics --entity-name " + topic
                + " --add-config " + setting + ")";
    }

    private static Map<String, String> values(Config config) {
        Map<String, String> values = new HashMap<>();
        if (config != null) {
            for (ConfigEntry entry : config.entries()) {
                if (entry.value() != null) {
                    values.put(entry.name(), entry.value());
                }
            }
        }
        return values;
    }

    private static void warnOnce(String warning) {
        if (WARNED.add(warning)) {
            LOG.warn(warning);
        }
    }
}
