package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Policy on what each overlay deploys: probes on Quarkus's health endpoints on the management port, that port open
 * to the scraper only, every service told its identity provider, requests and limits, pinned images,
 * no secret in plain text, a ServiceAccount of its own, disruption budgets, network policies, locked-down
 * containers, detectors spread over zones, and Kafka and Temporal left to the platform.
 */
class KubernetesPolicyTest {

    /** Environment variables and ConfigMap keys whose value is a secret by its name. */
    static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(password|passwd|secret|token|credential|jaas|private|access_key|api_key|apikey).*");
    /** A properties line that sets a secret-looking key to a literal. */
    private static final Pattern SECRET_LINE =
            Pattern.compile("(?im)^\\s*[^#\\s][^=]*(password|secret|token|jaas)[^=]*=\\s*\\S+");

    static Stream<String> overlays() {
        return Kustomize.overlays().stream();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerIsProbedOnQuarkusHealthEndpointsOnTheManagementPort(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> workload : manifests.workloads()) {
            for (Map<String, Object> container : Manifests.containers(workload)) {
                String where = overlay + " " + Manifests.describe(workload) + " " + container.get("name");
                int management =
                        ServiceModule.named(Yamls.string(container.get("name"))).managementPort();
                probe(where, container, "readinessProbe", "/q/health/ready", management, problems);
                probe(where, container, "livenessProbe", "/q/health/live", management, problems);
                if (container.get("startupProbe") != null) {
                    probe(where, container, "startupProbe", "/q/health/started", management, problems);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The probe asks the path on the management port (health is not served on the API's port). */
    private static void probe(
            String where,
            Map<String, Object> container,
            String probe,
            String path,
            int management,
            List<String> problems) {
        Object httpGet = Yamls.at(container, probe, "httpGet");
        if (httpGet == null) {
            problems.add(where + " has no " + probe + " (httpGet " + path + ")");
            return;
        }
        if (!path.equals(Yamls.at(httpGet, "path"))) {
            problems.add(where + " " + probe + " asks " + Yamls.at(httpGet, "path") + ", not " + path);
        }
        Object port = Yamls.at(httpGet, "port");
        Integer number = containerPort(container, port);
        if (number == null) {
            problems.add(where + " " + probe + " uses port " + port + ", which the container does not declare");
        } else if (number != management) {
            problems.add(where + " " + probe + " uses port " + port + " (" + number + "), not the management port "
                    + management);
        }
    }

    /** The number of a container port given by name or number, or null when the container does not declare it. */
    private static Integer containerPort(Map<String, Object> container, Object port) {
        return Yamls.list(container.get("ports"), "ports").stream()
                .filter(p -> String.valueOf(port).equals(String.valueOf(Yamls.at(p, "name")))
                        || String.valueOf(port).equals(String.valueOf(Yamls.at(p, "containerPort"))))
                .map(p -> Integer.valueOf(String.valueOf(Yamls.at(p, "containerPort"))))
                .findFirst()
                .orElse(null);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theManagementPortIsDeclaredAndOpenToTheScraperOnlyAndTheApiPortToTheApiClients(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            Map<String, Object> container = Manifests.containers(deployment).get(0);
            ServiceModule module = ServiceModule.named(Yamls.string(container.get("name")));
            String where = overlay + " " + Manifests.describe(deployment);
            int management = module.managementPort();
            if (!Integer.valueOf(management).equals(containerPort(container, "management"))) {
                problems.add(where + " declares no container port named management on " + management);
            }
            String configured = manifests.environment(container).get("QUARKUS_MANAGEMENT_PORT");
            if (configured != null && !configured.equals(String.valueOf(management))) {
                problems.add(where + ": QUARKUS_MANAGEMENT_PORT " + configured + " is not its management port "
                        + management);
            }
            Map<String, Object> labels = Manifests.podLabels(deployment);
            List<Object> rules = manifests.ofKind("NetworkPolicy").stream()
                    .filter(p -> !Yamls.map(Yamls.at(p, "spec", "podSelector"), "podSelector")
                                    .isEmpty()
                            && Manifests.selects(Yamls.at(p, "spec", "podSelector"), labels))
                    .flatMap(p -> Yamls.list(Yamls.at(p, "spec", "ingress"), "ingress").stream())
                    .toList();
            boolean scraped = false;
            for (Object rule : rules) {
                List<Object> from = Yamls.list(Yamls.at(rule, "from"), "from");
                Set<Integer> ports = new java.util.HashSet<>();
                Yamls.list(Yamls.at(rule, "ports"), "ports")
                        .forEach(p -> ports.add(Integer.valueOf(String.valueOf(Yamls.at(p, "port")))));
                boolean fromScraper = !from.isEmpty()
                        && from.stream()
                                .allMatch(peer -> "true"
                                        .equals(Yamls.string(Yamls.at(
                                                peer, "namespaceSelector", "matchLabels", "baran.io/monitoring"))));
                if (ports.contains(management) && fromScraper) {
                    scraped = true;
                }
                if ((ports.isEmpty() || ports.contains(management)) && !fromScraper) {
                    problems.add(where + ": an ingress rule opens the management port " + management
                            + " to more than the scraper: " + rule);
                }
            }
            if (!scraped) {
                problems.add(where
                        + ": no NetworkPolicy lets the scraper (namespace labelled baran.io/monitoring) reach the management port "
                        + management);
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceIsToldWhichIdentityProviderIssuesItsTokens(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            String url = manifests
                    .environment(Manifests.containers(deployment).get(0))
                    .get("QUARKUS_OIDC_AUTH_SERVER_URL");
            if (url == null || !url.matches("https?://[^/\\s]+/\\S*")) {
                problems.add(overlay + " " + Manifests.describe(deployment) + ": QUARKUS_OIDC_AUTH_SERVER_URL is " + url
                        + ", not the issuer's URL");
            } else if (overlay.equals("prod") && !url.startsWith("https://")) {
                problems.add(overlay + " " + Manifests.describe(deployment)
                        + ": the identity provider is not reached over TLS: " + url);
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerRequestsAndLimitsCpuAndMemory(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> workload : new Manifests(overlay).workloads()) {
            for (Map<String, Object> container : Manifests.containers(workload)) {
                String where = overlay + " " + Manifests.describe(workload) + " " + container.get("name");
                for (String resource : List.of("cpu", "memory")) {
                    String request = Yamls.string(Yamls.at(container, "resources", "requests", resource));
                    String limit = Yamls.string(Yamls.at(container, "resources", "limits", resource));
                    if (request == null || limit == null) {
                        problems.add(where + " lacks a " + resource + (request == null ? " request" : " limit"));
                    } else if (quantity(request).compareTo(quantity(limit)) > 0) {
                        problems.add(where + " requests more " + resource + " (" + request + ") than its limit ("
                                + limit + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyImageIsPinnedToAVersion(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> workload : new Manifests(overlay).workloads()) {
            for (Map<String, Object> container : Manifests.containers(workload)) {
                String image = Yamls.string(container.get("image"));
                if (image == null) {
                    problems.add(overlay + " " + Manifests.describe(workload) + " " + container.get("name")
                            + " has no image");
                } else {
                    Images.unpinned(image)
                            .ifPresent(p -> problems.add(overlay + " " + Manifests.describe(workload) + ": " + p));
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noSecretIsWrittenInPlainText(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> secret : manifests.ofKind("Secret")) {
            if (secret.get("data") != null || secret.get("stringData") != null) {
                problems.add(overlay + ": " + Manifests.describe(secret)
                        + " carries its values; Secrets are created by the operator, never committed");
            }
        }
        for (Map<String, Object> configMap : manifests.ofKind("ConfigMap")) {
            Yamls.map(configMap.get("data"), "data").forEach((key, value) -> {
                if (SECRET_NAME.matcher(key).matches()) {
                    problems.add(overlay + ": " + Manifests.describe(configMap) + " holds " + key
                            + ", which belongs in a Secret");
                }
                Matcher line = SECRET_LINE.matcher(String.valueOf(value));
                while (line.find()) {
                    problems.add(overlay + ": " + Manifests.describe(configMap) + "/" + key
                            + " sets a secret in plain text: " + line.group().strip());
                }
            });
        }
        for (Map<String, Object> workload : manifests.workloads()) {
            for (Map<String, Object> container : Manifests.containers(workload)) {
                for (Object entry : Yamls.list(container.get("env"), "env")) {
                    String name = Yamls.string(Yamls.at(entry, "name"));
                    if (SECRET_NAME.matcher(name).matches() && Yamls.at(entry, "valueFrom", "secretKeyRef") == null) {
                        problems.add(overlay + " " + Manifests.describe(workload) + ": " + name
                                + " must come from a Secret (secretKeyRef)");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyWorkloadRunsAsAServiceAccountOfItsOwnWithoutAnApiToken(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        Set<String> used = new java.util.HashSet<>();
        for (Map<String, Object> workload : manifests.workloads()) {
            Map<String, Object> pod = Manifests.podSpec(workload);
            String account = Yamls.string(pod.get("serviceAccountName"));
            String where = overlay + " " + Manifests.describe(workload);
            if (account == null || account.equals("default")) {
                problems.add(where + " runs as the default ServiceAccount");
                continue;
            }
            if (!used.add(account)) {
                problems.add(where + " shares the ServiceAccount " + account + " with another workload");
            }
            if (manifests.find("ServiceAccount", account).isEmpty()) {
                problems.add(where + " names the ServiceAccount " + account + ", which is not in the build");
            }
            if (!Boolean.FALSE.equals(pod.get("automountServiceAccountToken"))) {
                problems.add(where
                        + " mounts a Kubernetes API token it does not need (automountServiceAccountToken: false)");
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentHasADisruptionBudgetAndANetworkPolicy(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        boolean defaultDeny = manifests.ofKind("NetworkPolicy").stream()
                .anyMatch(p -> Yamls.map(Yamls.at(p, "spec", "podSelector"), "podSelector")
                                .isEmpty()
                        && Yamls.list(Yamls.at(p, "spec", "policyTypes"), "policyTypes")
                                .containsAll(List.of("Ingress", "Egress"))
                        && Yamls.at(p, "spec", "ingress") == null
                        && Yamls.at(p, "spec", "egress") == null);
        if (!defaultDeny) {
            problems.add(
                    overlay + " has no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rule)");
        }
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            Map<String, Object> labels = Manifests.podLabels(deployment);
            String where = overlay + " " + Manifests.describe(deployment);
            List<Map<String, Object>> budgets = manifests.ofKind("PodDisruptionBudget").stream()
                    .filter(b -> Manifests.selects(Yamls.at(b, "spec", "selector"), labels))
                    .toList();
            if (budgets.isEmpty()) {
                problems.add(where + " has no PodDisruptionBudget");
            }
            budgets.forEach(b -> {
                if ("0".equals(Yamls.string(Yamls.at(b, "spec", "maxUnavailable")))) {
                    problems.add(
                            where + ": " + Manifests.describe(b) + " with maxUnavailable 0 blocks every node drain");
                }
            });
            boolean ownPolicy = manifests.ofKind("NetworkPolicy").stream()
                    .anyMatch(p -> !Yamls.map(Yamls.at(p, "spec", "podSelector"), "podSelector")
                                    .isEmpty()
                            && Manifests.selects(Yamls.at(p, "spec", "podSelector"), labels));
            if (!ownPolicy) {
                problems.add(where + " has no NetworkPolicy of its own (what it may reach and be reached by)");
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void containersRunLockedDown(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> workload : new Manifests(overlay).workloads()) {
            Map<String, Object> pod = Manifests.podSpec(workload);
            for (Map<String, Object> container : Manifests.containers(workload)) {
                String where = overlay + " " + Manifests.describe(workload) + " " + container.get("name");
                Object nonRoot = Yamls.at(container, "securityContext", "runAsNonRoot");
                if (!Boolean.TRUE.equals(
                        nonRoot == null ? Yamls.at(pod, "securityContext", "runAsNonRoot") : nonRoot)) {
                    problems.add(where + " may run as root (runAsNonRoot)");
                }
                if (!Boolean.FALSE.equals(Yamls.at(container, "securityContext", "allowPrivilegeEscalation"))) {
                    problems.add(where + " allows privilege escalation");
                }
                if (!Boolean.TRUE.equals(Yamls.at(container, "securityContext", "readOnlyRootFilesystem"))) {
                    problems.add(where + " has a writable root file system");
                }
                if (!Yamls.list(Yamls.at(container, "securityContext", "capabilities", "drop"), "drop")
                        .contains("ALL")) {
                    problems.add(where + " keeps Linux capabilities (drop: [ALL])");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void detectorsSpreadOverZones(String overlay) {
        Map<String, Object> detector = KubernetesSchemaTest.deployment(new Manifests(overlay), ServiceModule.DETECTOR);
        List<Object> spread =
                Yamls.list(Manifests.podSpec(detector).get("topologySpreadConstraints"), "topologySpreadConstraints");
        assertTrue(
                spread.stream()
                        .anyMatch(c -> "topology.kubernetes.io/zone".equals(Yamls.at(c, "topologyKey"))
                                && Manifests.selects(Yamls.at(c, "labelSelector"), Manifests.podLabels(detector))),
                overlay + ": the detector's replicas are not spread over zones: " + spread);
    }

    @org.junit.jupiter.api.Test
    void productionRunsSeveralReplicasAndKeepsDetectorsInDifferentZones() {
        Manifests prod = new Manifests("prod");
        for (ServiceModule module : ServiceModule.ALL) {
            Object replicas = Yamls.at(KubernetesSchemaTest.deployment(prod, module), "spec", "replicas");
            assertTrue(replicas instanceof Integer n && n >= 3, "prod " + module + " replicas: " + replicas);
        }
        Map<String, Object> detector = KubernetesSchemaTest.deployment(prod, ServiceModule.DETECTOR);
        assertTrue(
                Yamls.list(Manifests.podSpec(detector).get("topologySpreadConstraints"), "spread").stream()
                        .anyMatch(c -> "topology.kubernetes.io/zone".equals(Yamls.at(c, "topologyKey"))
                                && "DoNotSchedule".equals(Yamls.at(c, "whenUnsatisfiable"))),
                "prod detectors must not share a zone (whenUnsatisfiable: DoNotSchedule)");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaTemporalAndPostgresAreThePlatformsNotDeployedHere(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> images = manifests.workloads().stream()
                .flatMap(w -> Manifests.containers(w).stream())
                .map(c -> Yamls.string(c.get("image")))
                .toList();
        assertTrue(
                images.stream().allMatch(i -> i.startsWith("baran/")),
                overlay + " deploys only Baran's own images: " + images);
        assertEquals(3, manifests.ofKind("Deployment").size(), overlay + ": the three services, nothing else");
        Map<String, String> env = manifests.environment(
                Manifests.containers(KubernetesSchemaTest.deployment(manifests, ServiceModule.ORCHESTRATOR))
                        .get(0));
        for (String key : List.of("KAFKA_BOOTSTRAP_SERVERS", "BARAN_TEMPORAL_TARGET", "QUARKUS_DATASOURCE_JDBC_URL")) {
            assertTrue(
                    env.containsKey(key), overlay + ": the orchestrator is told where " + key + " is: " + env.keySet());
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceMayReachTheDatabasesItIsGiven(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            Map<String, Object> deployment = KubernetesSchemaTest.deployment(manifests, module);
            EffectiveConfig config = KubernetesConfigurationTest.effective(manifests, module);
            for (String property : List.of("quarkus.datasource.jdbc-url", "baran.audit.jdbc-url")) {
                Optional<String> url = config.value(property).filter(u -> u.startsWith("jdbc:postgresql:"));
                if (url.isEmpty()) {
                    continue;
                }
                int port = postgresPort(url.get());
                if (!egressAllowed(manifests, Manifests.podLabels(deployment), port)) {
                    problems.add(overlay + " " + module + ": its NetworkPolicies do not let it reach TCP " + port
                            + ", the port of " + property + "=" + url.get());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The port of a jdbc:postgresql://host[:port]/database URL (the first host's), 5432 when none is given. */
    static int postgresPort(String url) {
        Matcher m = Pattern.compile("jdbc:postgresql://(\\[[^\\]]+\\]|[^:/,?]+)(?::(\\d+))?(?:[/,?].*)?")
                .matcher(url);
        if (!m.matches()) {
            throw new AssertionError("not a PostgreSQL JDBC URL with a host: " + url);
        }
        return m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
    }

    /**
     * Whether the policies selecting these pod labels let them open a TCP connection to a port outside the namespace:
     * an egress rule without peers (the services' databases run elsewhere, so their rules are by port) whose ports
     * are absent or include it. A rule naming peers is not counted: where the database is cannot be judged here.
     */
    private static boolean egressAllowed(Manifests manifests, Map<String, Object> labels, int port) {
        return manifests.ofKind("NetworkPolicy").stream()
                .filter(p -> Manifests.selects(Yamls.at(p, "spec", "podSelector"), labels))
                .filter(p -> Yamls.list(Yamls.at(p, "spec", "policyTypes"), "policyTypes")
                        .contains("Egress"))
                .flatMap(p -> Yamls.list(Yamls.at(p, "spec", "egress"), "egress").stream())
                .filter(rule -> Yamls.list(Yamls.at(rule, "to"), "to").isEmpty())
                .anyMatch(rule -> {
                    List<Object> ports = Yamls.list(Yamls.at(rule, "ports"), "ports");
                    return ports.isEmpty()
                            || ports.stream()
                                    .anyMatch(p -> String.valueOf(port).equals(String.valueOf(Yamls.at(p, "port")))
                                            && "TCP"
                                                    .equals(String.valueOf(Objects.requireNonNullElse(
                                                            Yamls.at(p, "protocol"), "TCP"))));
                });
    }

    /** A Kubernetes quantity (100m, 1, 512Mi, 1Gi) as a number. */
    static BigDecimal quantity(String text) {
        Matcher m = Pattern.compile("([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?").matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a quantity: " + text);
        }
        BigDecimal value = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "m" -> value.movePointLeft(3);
            case "k" -> value.movePointRight(3);
            case "M" -> value.movePointRight(6);
            case "G" -> value.movePointRight(9);
            case "T" -> value.movePointRight(12);
            case "Ki" -> value.multiply(BigDecimal.valueOf(1024L));
            case "Mi" -> value.multiply(BigDecimal.valueOf(1024L * 1024));
            case "Gi" -> value.multiply(BigDecimal.valueOf(1024L * 1024 * 1024));
            case "Ti" -> value.multiply(BigDecimal.valueOf(1024L * 1024 * 1024 * 1024));
            default -> value;
        };
    }
}
