package io.baran.detector.config;

import io.baran.detector.probe.ProbeUrl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the configured targets into {@link TargetDefinition}s, or refuses them all with every problem found, each
 * naming the property to fix. A detector that silently skipped a misconfigured target would report a service
 * as watched when nothing watches it.
 */
public final class TargetDefinitions {

    /** Probing faster than this tells nothing new and loads the target. */
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private TargetDefinitions() {
    }

    /**
     * @return the targets sorted by name
     * @throws InvalidConfigException listing every problem, one per line
     */
    public static List<TargetDefinition> read(Map<String, DetectorConfig.Target> targets) {
        List<String> problems = new ArrayList<>();
        List<TargetDefinition> definitions = new ArrayList<>();
        new TreeMap<>(targets).forEach((name, target) -> {
            int before = problems.size();
            ProbeUrl url = null;
            try {
                url = ProbeUrl.parse(target.url());
            } catch (IllegalArgumentException e) {
                problems.add(property(name, "url") + ": " + e.getMessage());
            }
            if (target.scope() == null || target.scope().isBlank()) {
                problems.add(property(name, "scope") + ": must not be empty");
            }
            if (target.interval().compareTo(MIN_INTERVAL) < 0) {
                problems.add(property(name, "interval") + ": " + target.interval().toMillis()
                        + "ms is below the minimum of " + MIN_INTERVAL.toMillis() + "ms");
            }
            if (target.timeout().isNegative() || target.timeout().isZero()) {
                problems.add(property(name, "timeout") + ": must be positive");
            }
            if (target.failureThreshold() < 1) {
                problems.add(property(name, "failure-threshold") + ": " + target.failureThreshold() + " is below 1");
            }
            if (target.successThreshold() < 1) {
                problems.add(property(name, "success-threshold") + ": " + target.successThreshold() + " is below 1");
            }
            if (target.expectStatus() < 100 || target.expectStatus() > 599) {
                problems.add(property(name, "expect-status") + ": " + target.expectStatus() + " is not an HTTP status (100-599)");
            }
            if (problems.size() == before) {
                definitions.add(new TargetDefinition(name, target.scope().strip(), url, target.interval(), target.timeout(),
                        target.failureThreshold(), target.successThreshold(), target.expectStatus()));
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return List.copyOf(definitions);
    }

    /** The property as it is written: the target name quoted only when it needs to be. */
    static String property(String target, String field) {
        String key = target.matches("[A-Za-z0-9_-]+") ? target : "\"" + target + "\"";
        return "baran.detector.targets." + key + "." + field;
    }

    /** The configuration cannot be run; the message holds one line per problem. */
    public static final class InvalidConfigException extends IllegalStateException {

        private final List<String> problems;

        InvalidConfigException(List<String> problems) {
            super("the detector configuration has " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                    + ":\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
