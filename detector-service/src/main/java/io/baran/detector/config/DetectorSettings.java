package io.baran.detector.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The checked detector-wide settings, as plain values the core classes take (they run without Quarkus in tests
 * and in the benchmark).
 */
public record DetectorSettings(Vantage vantage, Quorum quorum) {

    /** How this vantage judges what it probes. */
    public record Vantage(String id, double scopeDownRatio, Damping damping, boolean isolation, Duration heartbeat) {}

    /** Flap damping; see {@link DetectorConfig.Damping}. */
    public record Damping(boolean enabled, double penalty, double suppressAbove, double reuseBelow, Duration halfLife) {
        public static final Damping OFF = new Damping(false, 1000, 2000, 750, Duration.ofSeconds(60));
    }

    /** Quorum and topics; see {@link DetectorConfig.Quorum}. */
    public record Quorum(
            boolean aggregate,
            int minVotes,
            double ratio,
            Duration heartbeat,
            Duration vantageExpiry,
            String verdictsTopic,
            String decisionsTopic,
            String healthTopic,
            String group,
            int partitions,
            short replicationFactor) {}

    /**
     * @throws TargetDefinitions.InvalidConfigException naming every property that is wrong
     */
    public static DetectorSettings from(DetectorConfig config) {
        List<String> problems = new ArrayList<>();
        String prefix = "baran.detector.";
        if (config.vantage() == null
                || !TargetDefinitions.NAME.matcher(config.vantage()).matches()) {
            problems.add(
                    prefix + "vantage: \"" + config.vantage() + "\" is not an id (letters, digits, '.', '_', '-')");
        }
        if (!(config.scopeDownRatio() > 0 && config.scopeDownRatio() <= 1)) {
            problems.add(prefix + "scope-down-ratio: " + config.scopeDownRatio() + " is not above 0 and at most 1");
        }
        DetectorConfig.Damping d = config.damping();
        if (!(d.penalty() > 0)) {
            problems.add(prefix + "damping.penalty: must be positive");
        }
        if (!(d.reuseBelow() > 0 && d.reuseBelow() < d.suppressAbove())) {
            problems.add(prefix + "damping.reuse-below: " + d.reuseBelow()
                    + " must be positive and below damping.suppress-above (" + d.suppressAbove() + ")");
        }
        if (d.halfLife().isNegative() || d.halfLife().isZero()) {
            problems.add(prefix + "damping.half-life: must be positive");
        }
        DetectorConfig.Quorum q = config.quorum();
        if (q.minVotes() < 1) {
            problems.add(prefix + "quorum.min-votes: " + q.minVotes() + " is below 1");
        }
        if (!(q.ratio() >= 0.5 && q.ratio() < 1)) {
            problems.add(prefix + "quorum.ratio: " + q.ratio()
                    + " is not at least 0.5 and below 1 (0.5 is a strict majority)");
        }
        if (q.heartbeat().compareTo(Duration.ofMillis(100)) < 0) {
            problems.add(prefix + "quorum.heartbeat: " + q.heartbeat().toMillis() + "ms is below the minimum of 100ms");
        }
        if (q.vantageExpiry().compareTo(q.heartbeat().multipliedBy(2)) < 0) {
            problems.add(prefix + "quorum.vantage-expiry: " + q.vantageExpiry().toMillis()
                    + "ms is less than two heartbeats ("
                    + q.heartbeat().multipliedBy(2).toMillis() + "ms): a live vantage would flicker out of the quorum");
        }
        if (q.simulationStartWithin().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(prefix + "quorum.simulation-start-within: "
                    + q.simulationStartWithin().toMillis() + "ms is below the minimum of 1s");
        }
        if (q.partitions() < 1) {
            problems.add(prefix + "quorum.partitions: " + q.partitions() + " is below 1");
        }
        if (q.replicationFactor() < 1) {
            problems.add(prefix + "quorum.replication-factor: " + q.replicationFactor() + " is below 1");
        }
        if (!problems.isEmpty()) {
            throw new TargetDefinitions.InvalidConfigException(problems);
        }
        Damping damping = new Damping(d.enabled(), d.penalty(), d.suppressAbove(), d.reuseBelow(), d.halfLife());
        return new DetectorSettings(
                new Vantage(
                        config.vantage(),
                        config.scopeDownRatio(),
                        damping,
                        config.isolation().enabled(),
                        q.heartbeat()),
                new Quorum(
                        q.aggregate(),
                        q.minVotes(),
                        q.ratio(),
                        q.heartbeat(),
                        q.vantageExpiry(),
                        q.verdictsTopic(),
                        q.decisionsTopic(),
                        q.healthTopic(),
                        q.group(),
                        q.partitions(),
                        q.replicationFactor()));
    }
}
