package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/monitoring}: the alert rules and the Grafana dashboard name only metrics the services export, and every
 * rule says how urgent it is and what to do. The exported names are read from the services' sources as Micrometer's
 * Prometheus registry writes them (dots to underscores; a gauge's base unit appended; counters {@code _total}; timers
 * in seconds with {@code _bucket}, {@code _count}, {@code _sum}, {@code _max}), so a metric renamed in code fails here.
 */
class MonitoringTest {

    private static final Pattern METER = Pattern.compile(
            "(Gauge|Counter|FunctionCounter|Timer|DistributionSummary)\\.builder\\(\\s*\"([a-z0-9_.]+)\"([^;]*?)\\.register\\(",
            Pattern.DOTALL);
    private static final Pattern REGISTRY_CALL =
            Pattern.compile("registry\\.(counter|gauge|timer)\\(\\s*\"([a-z0-9_.]+)\"");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"([a-z]+)\"");
    private static final Pattern USED = Pattern.compile("\\bbaran_[a-z0-9_]+");
    private static final Pattern DURATION = Pattern.compile("\\d+[smhd]");
    private static final Set<String> SEVERITIES = Set.of("page", "ticket", "info");

    @Test
    void everyRuleIsAnAlertWithSeverityAdviceAndExportedMetrics() {
        Set<String> exported = exported();
        Map<String, Object> file = Yamls.load(Repo.read("k8s/monitoring/alert-rules.yaml"));
        List<String> problems = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        int rules = 0;
        for (Object g : Yamls.list(file.get("groups"), "groups")) {
            Map<String, Object> group = Yamls.map(g, "a group");
            for (Object r : Yamls.list(group.get("rules"), "rules of " + group.get("name"))) {
                Map<String, Object> rule = Yamls.map(r, "a rule");
                rules++;
                String alert = Yamls.string(rule.get("alert"));
                if (alert == null || !alert.matches("Baran[A-Za-z]+") || !names.add(alert)) {
                    problems.add("rule " + rules + ": alert name missing, not Baran<Name>, or repeated: " + alert);
                }
                String expr = Yamls.string(rule.get("expr"));
                problems.addAll(unknown(alert, expr, exported));
                Object forValue = rule.get("for");
                if (forValue != null
                        && !DURATION.matcher(Yamls.string(forValue)).matches()) {
                    problems.add(alert + ": for: " + forValue + " is not a Prometheus duration");
                }
                String severity = Yamls.string(Yamls.at(rule, "labels", "severity"));
                if (!SEVERITIES.contains(severity)) {
                    problems.add(alert + ": severity " + severity + " is not one of " + SEVERITIES);
                }
                for (String annotation : List.of("summary", "description")) {
                    String text = Yamls.string(Yamls.at(rule, "annotations", annotation));
                    if (text == null || text.isBlank()) {
                        problems.add(alert + ": no " + annotation);
                    }
                }
            }
        }
        assertTrue(rules >= 10, "alert rules found: " + rules);
        assertEquals(List.of(), problems);
    }

    @Test
    void everyDashboardQueryNamesExportedMetrics() throws IOException {
        Set<String> exported = exported();
        JsonNode dashboard = new ObjectMapper().readTree(Repo.read("k8s/monitoring/grafana-dashboard.json"));
        List<String> problems = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertFalse(panel.path("targets").isEmpty(), "panel without a query: " + panel.path("title"));
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                problems.addAll(unknown(panel.path("title").asText(), expr, exported));
                USED.matcher(expr).results().map(m -> m.group()).forEach(covered::add);
            }
        }
        assertEquals(List.of(), problems);
        // The dashboard shows what the issue asks of it: readiness, lag and executions.
        for (String needed : List.of("baran_readiness", "baran_replication_lag_seconds", "baran_executions_running")) {
            assertTrue(covered.contains(needed), needed + " is on no panel: " + covered);
        }
    }

    @Test
    void theExportedNamesAreReadAsPrometheusWritesThem() {
        Set<String> exported = exported();
        // A gauge with base unit seconds, a function counter, a timer with a histogram, a plain gauge.
        for (String name : List.of(
                "baran_replication_lag_seconds",
                "baran_replication_errors_total",
                "baran_probe_schedule_lag_seconds_bucket",
                "baran_readiness",
                "baran_executions_running")) {
            assertTrue(exported.contains(name), name + " not among " + exported);
        }
        assertFalse(exported.contains("baran_replication_lag"), "a gauge with a base unit is written with it");
    }

    private static List<String> unknown(String where, String expr, Set<String> exported) {
        List<String> problems = new ArrayList<>();
        if (expr == null || expr.isBlank()) {
            problems.add(where + ": no expression");
            return problems;
        }
        Matcher used = USED.matcher(expr);
        boolean any = false;
        while (used.find()) {
            any = true;
            if (!exported.contains(used.group())) {
                problems.add(where + ": " + used.group() + " is not exported by any service");
            }
        }
        if (!any) {
            problems.add(where + ": names no baran_ metric: " + expr);
        }
        return problems;
    }

    /** Every metric name the three services write on /q/metrics, from their main sources. */
    static Set<String> exported() {
        Set<String> names = new TreeSet<>();
        for (String service : List.of("detector-service", "orchestrator-service", "replication-worker")) {
            try (Stream<Path> files = Files.walk(Repo.file(service + "/src/main/java"))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> read(f, names));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    private static void read(Path file, Set<String> names) {
        String source;
        try {
            source = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = METER.matcher(source);
        while (m.find()) {
            Matcher unit = BASE_UNIT.matcher(m.group(3));
            add(names, m.group(1), m.group(2), unit.find() ? unit.group(1) : null);
        }
        Matcher call = REGISTRY_CALL.matcher(source);
        while (call.find()) {
            add(
                    names,
                    switch (call.group(1)) {
                        case "counter" -> "Counter";
                        case "timer" -> "Timer";
                        default -> "Gauge";
                    },
                    call.group(2),
                    null);
        }
    }

    private static void add(Set<String> names, String kind, String name, String baseUnit) {
        String base = name.replace('.', '_');
        switch (kind) {
            case "Counter", "FunctionCounter" -> names.add(base + "_total");
            case "Timer" -> {
                for (String suffix : List.of("_bucket", "_count", "_sum", "_max", "")) {
                    names.add(base + "_seconds" + suffix);
                }
            }
            case "DistributionSummary" -> {
                for (String suffix : List.of("_bucket", "_count", "_sum", "_max", "")) {
                    names.add(base + suffix);
                }
            }
            default -> names.add(baseUnit == null || base.endsWith("_" + baseUnit) ? base : base + "_" + baseUnit);
        }
    }
}
