package io.baran.worker.provider.azure;

import io.baran.worker.provider.ProviderSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the database instances of an Azure provider ({@code instances."<name>".<field>}), failing start-up
 * with every key at fault named, so a typo or a missing server never waits for an outage to show.
 */
final class AzureInstances {

    static final String SQL = "sql-failover-group";
    static final String POSTGRES = "postgresql-flexible";
    private static final Set<String> FIELDS =
            Set.of("kind", "server", "failover-group", "resource-group", "failover", "promote-option", "location");

    private AzureInstances() {}

    static Map<String, AzureDatabase.Instance> read(
            ProviderSettings settings, Arm arm, String defaultResourceGroup, Duration promoteTimeout) {
        Map<String, AzureDatabase.Instance> instances = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : names(settings, problems)) {
            String kind = option(settings, name, "kind");
            String server = option(settings, name, "server");
            String resourceGroup = optionOr(settings, name, "resource-group", defaultResourceGroup);
            String location = optionOr(settings, name, "location", "global");
            if (server == null) {
                problems.add(key(settings, name, "server") + " is required");
            }
            if (SQL.equals(kind)) {
                String group = option(settings, name, "failover-group");
                String failover = optionOr(settings, name, "failover", "planned");
                if (group == null) {
                    problems.add(key(settings, name, "failover-group") + " is required for kind " + SQL);
                }
                if (!failover.equals("planned") && !failover.equals("forced-allow-data-loss")) {
                    problems.add(key(settings, name, "failover") + ": \"" + failover
                            + "\" is not planned or forced-allow-data-loss");
                }
                notFor(settings, name, "promote-option", kind, problems);
                if (problems.isEmpty()) {
                    instances.put(
                            name,
                            new SqlFailoverGroup(
                                    arm,
                                    name,
                                    resourceGroup,
                                    server,
                                    group,
                                    failover.equals("planned")
                                            ? SqlFailoverGroup.Mode.PLANNED
                                            : SqlFailoverGroup.Mode.FORCED_ALLOW_DATA_LOSS,
                                    location,
                                    promoteTimeout));
                }
            } else if (POSTGRES.equals(kind)) {
                String option = optionOr(settings, name, "promote-option", "planned");
                if (!option.equals("planned") && !option.equals("forced")) {
                    problems.add(
                            key(settings, name, "promote-option") + ": \"" + option + "\" is not planned or forced");
                }
                notFor(settings, name, "failover-group", kind, problems);
                notFor(settings, name, "failover", kind, problems);
                if (problems.isEmpty()) {
                    instances.put(
                            name,
                            new PostgresFlexibleReplica(
                                    arm, name, resourceGroup, server, option, location, promoteTimeout));
                }
            } else {
                problems.add(key(settings, name, "kind")
                        + (kind == null ? " is required" : ": \"" + kind + "\" is not a kind") + " (use " + SQL + " or "
                        + POSTGRES + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        return instances;
    }

    /** The instances whose old primary Azure cannot fence: flexible servers and forced failovers. */
    static List<String> unfenceable(ProviderSettings settings) {
        List<String> names = new ArrayList<>();
        for (String name : names(settings, new ArrayList<>())) {
            if (POSTGRES.equals(option(settings, name, "kind"))
                    || "forced-allow-data-loss".equals(option(settings, name, "failover"))) {
                names.add(name);
            }
        }
        return names;
    }

    private static TreeSet<String> names(ProviderSettings settings, List<String> problems) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : settings.under("instances.").keySet()) {
            int dot = key.lastIndexOf('.');
            String field = dot < 0 ? "" : key.substring(dot + 1);
            if (dot < 0 || !FIELDS.contains(field)) {
                problems.add(settings.key("instances." + key) + " is not a setting (an Azure instance has "
                        + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            } else {
                names.add(key.substring(0, dot));
            }
        }
        return names;
    }

    private static void notFor(
            ProviderSettings settings, String name, String field, String kind, List<String> problems) {
        if (option(settings, name, field) != null) {
            problems.add(key(settings, name, field) + " is not a setting of kind " + kind);
        }
    }

    private static String option(ProviderSettings settings, String name, String field) {
        return settings.option("instances." + name + "." + field).orElse(null);
    }

    private static String optionOr(ProviderSettings settings, String name, String field, String fallback) {
        return settings.option("instances." + name + "." + field).orElse(fallback);
    }

    private static String key(ProviderSettings settings, String name, String field) {
        return settings.key("instances." + name + "." + field);
    }
}
