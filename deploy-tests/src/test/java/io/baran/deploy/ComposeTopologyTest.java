package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.deploy.Compose.Dependency;
import io.baran.deploy.Compose.Port;
import io.baran.deploy.Compose.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shape of docker-compose.yml: pinned images, health checks, dependencies, volumes, and parity with bin/local-stack. */
class ComposeTopologyTest {

    private final Compose compose = Compose.read();

    @Test
    void everyImageIsPinnedToAVersion() {
        List<String> problems = new ArrayList<>();
        compose.services().values().forEach(s -> {
            Optional<String> image = s.image();
            if (image.isEmpty() && s.build("context").isEmpty()) {
                problems.add(s.name() + ": neither image nor build");
            }
            image.map(Compose::interpolateDefaults)
                    .flatMap(Images::unpinned)
                    .ifPresent(p -> problems.add(s.name() + ": " + p));
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void everyServiceEitherStaysUpWithAHealthCheckOrIsAOneShotThatIsWaitedFor() {
        Map<String, Service> services = compose.services();
        Set<String> awaitedOneShots = new LinkedHashSet<>();
        services.values()
                .forEach(s -> s.dependsOn().stream()
                        .filter(d -> d.condition().equals("service_completed_successfully"))
                        .forEach(d -> awaitedOneShots.add(d.service())));
        List<String> problems = new ArrayList<>();
        for (Service s : services.values()) {
            if (s.longRunning()) {
                if (s.healthcheck().isEmpty()) {
                    problems.add(s.name() + " runs for good but has no health check");
                }
                if (awaitedOneShots.contains(s.name())) {
                    problems.add(s.name() + " runs for good, yet something waits for it to complete");
                }
            } else if (!awaitedOneShots.contains(s.name())) {
                problems.add(
                        s.name() + " has no restart policy (so it is a one-shot) but nothing waits for it to complete");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void dependenciesWaitForHealthOrCompletionAndNeverRequireTheSandbox() {
        Map<String, Service> services = compose.services();
        List<String> problems = new ArrayList<>();
        for (Service s : services.values()) {
            for (Dependency d : s.dependsOn()) {
                Service target = services.get(d.service());
                if (target == null) {
                    problems.add(s.name() + " depends on " + d.service() + ", which is not defined");
                    continue;
                }
                switch (d.condition()) {
                    case "service_healthy" -> {
                        if (target.healthcheck().isEmpty()) {
                            problems.add(s.name() + " waits for " + target.name()
                                    + " to be healthy, which has no health check");
                        }
                    }
                    case "service_completed_successfully" -> {
                        if (target.longRunning()) {
                            problems.add(
                                    s.name() + " waits for " + target.name() + " to complete, which runs for good");
                        }
                    }
                    default -> {
                        // Only a network namespace shared with another service is a plain start dependency.
                        if (!("service:" + target.name()).equals(s.raw().get("network_mode"))) {
                            problems.add(s.name() + " depends on " + target.name() + " with " + d.condition()
                                    + ": wait for service_healthy or service_completed_successfully");
                        }
                    }
                }
                if (!s.inProfile() && target.inProfile() && d.required()) {
                    problems.add(s.name() + " (always started) requires " + target.name() + " of profile "
                            + target.profiles()
                            + ": docker compose up without that profile would fail; mark it required: false");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyNamedVolumeIsDeclaredAndUsed() {
        Set<String> declared = compose.topLevel("volumes").keySet();
        Set<String> used = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (Service s : compose.services().values()) {
            for (Map.Entry<String, String> mount : s.volumes()) {
                String source = mount.getKey();
                if (source.startsWith(".") || source.startsWith("/")) {
                    continue;
                }
                used.add(source);
                if (!declared.contains(source)) {
                    problems.add(s.name() + " mounts the volume " + source + ", which is not declared under volumes");
                }
            }
        }
        declared.stream()
                .filter(v -> !used.contains(v))
                .forEach(v -> problems.add("volume " + v + " is declared but mounted nowhere"));
        assertTrue(
                used.containsAll(List.of("kafka-data", "postgres-data")),
                "Kafka and PostgreSQL keep their data in named volumes: " + used);
        assertEquals(List.of(), problems);
    }

    @Test
    void noValueTakesSomethingFromTheHostsEnvironmentByAccident() {
        List<String> problems = new ArrayList<>();
        strings(compose.document(), "", problems);
        assertEquals(
                List.of(),
                problems,
                "a '$' that is not '$$' is interpolated from the host's environment by docker compose");
    }

    /** Every string value: a lone $ (not $$, not ${VAR:-default}) is compose interpolation from the host's environment. */
    private static void strings(Object node, String path, List<String> problems) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> strings(v, path + "/" + k, problems));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                strings(list.get(i), path + "[" + i + "]", problems);
            }
        } else if (node instanceof String text) {
            String rest = text.replace("$$", "").replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_]*:?-[^}]*}", "");
            if (rest.contains("$")) {
                problems.add(path + ": "
                        + text.lines()
                                .filter(l -> l.replace("$$", "").contains("$"))
                                .findFirst()
                                .orElse(text));
            }
        }
    }

    @Test
    void portsArePublishedOnTheLoopbackOnly() {
        List<String> problems = new ArrayList<>();
        compose.services()
                .values()
                .forEach(s -> s.ports().stream()
                        .filter(p -> !"127.0.0.1".equals(p.hostIp()))
                        .forEach(p -> problems.add(s.name() + " publishes " + p.published() + " on "
                                + (p.hostIp() == null ? "every address" : p.hostIp()))));
        assertEquals(List.of(), problems);
    }

    /** Each component of bin/local-stack, the compose service that stands for it, and whether only the sandbox runs it. */
    private record Counterpart(String service, boolean sandbox, String... portVariables) {}

    private static final Map<String, Counterpart> COUNTERPARTS = Map.of(
            "kafka", new Counterpart("kafka", false, "KAFKA_PORT"),
            "postgres", new Counterpart("postgres", false, "PG_PORT"),
            "temporal", new Counterpart("temporal", false, "TEMPORAL_PORT"),
            "moto", new Counterpart("moto", true, "MOTO_PORT"),
            "demo-primary", new Counterpart("demo-primary", true, "DEMO_PRIMARY_PORT"),
            "demo-standby", new Counterpart("demo-standby", true, "DEMO_STANDBY_PORT"),
            "orchestrator-service", new Counterpart("orchestrator-service", false, "ORCHESTRATOR_PORT"),
            "replication-worker", new Counterpart("replication-worker", false, "WORKER_PORT"),
            "detector-service", new Counterpart("detector-service", false, "DETECTOR_PORT"),
            "keycloak", new Counterpart("keycloak", false, "KEYCLOAK_PORT"));

    @Test
    void mirrorsTheLocalStackComponentForComponentOnTheSamePorts() {
        String script = Repo.read("bin/local-stack");
        Map<String, Integer> ports = localStackPorts(script);
        List<String> components = new ArrayList<>(array(script, "INFRA"));
        components.addAll(array(script, "SERVICES"));
        List<String> problems = new ArrayList<>();
        for (String component : components) {
            Counterpart counterpart = COUNTERPARTS.get(component);
            if (counterpart == null) {
                problems.add("bin/local-stack runs " + component + ", which has no counterpart in " + Compose.FILE
                        + " (add it, and to this test)");
                continue;
            }
            Service service = compose.services().get(counterpart.service());
            if (service == null) {
                problems.add(component + ": " + Compose.FILE + " has no service " + counterpart.service());
                continue;
            }
            if (service.profiles().contains("sandbox") != counterpart.sandbox()) {
                problems.add(counterpart.service()
                        + (counterpart.sandbox()
                                ? " should run only with --profile sandbox"
                                : " should run without a profile"));
            }
            for (String variable : counterpart.portVariables()) {
                int port = ports.get(variable);
                if (publisherOf(port).isEmpty()) {
                    problems.add(component + " answers on " + port
                            + " in the local stack; no service publishes 127.0.0.1:" + port);
                } else if (!publisherOf(port).get().equals(service.name())
                        && !sharesNetworkWith(service, publisherOf(port).get())) {
                    problems.add(component + "'s port " + port + " is published by "
                            + publisherOf(port).get() + ", not by " + service.name());
                }
            }
        }
        // The Temporal Web UI: the local stack's dev server serves it on TEMPORAL_UI_PORT; here temporal-ui does.
        assertEquals(Optional.of("temporal-ui"), publisherOf(ports.get("TEMPORAL_UI_PORT")), "the Temporal UI's port");
        assertEquals(List.of(), problems);
    }

    @Test
    void theSandboxProfileAddsTheThreeEmulatorsAndSeedsMotoLikeTheLocalStack() {
        for (String emulator : List.of("moto", "fake-gcs-server", "azurite", "demo-primary", "demo-standby")) {
            assertEquals(List.of("sandbox"), compose.service(emulator).profiles(), emulator + "'s profiles");
        }
        // moto checks Route 53 change batches as Route 53 does, as in the local stack and the tests.
        Service moto = compose.service("moto");
        assertTrue(moto.script().contains("/baran/moto_as_aws.py"), "moto runs moto_as_aws.py: " + moto.script());
        assertTrue(
                moto.volumes().contains(Map.entry("./infra/moto/moto_as_aws.py", "/baran/moto_as_aws.py")),
                "moto mounts the script: " + moto.volumes());
        Service seed = compose.service("moto-seed");
        assertTrue(
                seed.script().contains("/baran/bin/seed-moto") && seed.script().contains("http://moto:5000"),
                "moto-seed runs bin/seed-moto against moto: " + seed.script());
        assertTrue(
                seed.volumes().contains(Map.entry("./bin", "/baran/bin")), "moto-seed mounts ./bin: " + seed.volumes());
        assertTrue(
                seed.dependsOn().contains(new Dependency("moto", "service_healthy", true)), "moto-seed waits for moto");
        for (String target : List.of("demo-primary", "demo-standby")) {
            assertTrue(
                    compose.service(target).script().contains("/baran/bin/demo-target"),
                    target + " runs bin/demo-target");
        }
    }

    @Test
    void temporalSetupRegistersEveryBaranSearchAttribute() {
        Set<String> attributes = new LinkedHashSet<>();
        Matcher flags = Pattern.compile("--search-attribute (\\w+)=Keyword").matcher(Repo.read("bin/local-stack"));
        while (flags.find()) {
            attributes.add(flags.group(1));
        }
        attributes.addAll(workflowSearchAttributes());
        assertTrue(attributes.size() >= 4, "found the search attributes: " + attributes);
        String setup = compose.service("temporal-setup").script();
        List<String> missing =
                attributes.stream().filter(a -> !setup.contains(a)).toList();
        assertEquals(List.of(), missing, "search attributes temporal-setup does not create");
        assertTrue(setup.contains("--type Keyword"), "they are Keyword attributes");
    }

    @Test
    void theTemporalUiIsReadOnlySoItsButtonsCannotCancelAFailoverPastBaransAbortRules() {
        Service ui = compose.services().values().stream()
                .filter(s -> s.image().orElse("").startsWith("temporalio/ui:"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no temporalio/ui service in docker-compose.yml"));
        assertEquals("true", ui.environment().get("TEMPORAL_DISABLE_WRITE_ACTIONS"), ui.name() + "'s environment");
    }

    /** The names in io.baran.workflow.SearchAttributes.ALL, read by reflection (the workflow API is on the class path). */
    static List<String> workflowSearchAttributes() {
        try {
            Class<?> type = Class.forName("io.baran.workflow.SearchAttributes");
            List<?> all = (List<?>) type.getField("ALL").get(null);
            List<String> names = new ArrayList<>();
            for (Object key : all) {
                names.add((String) key.getClass().getMethod("getName").invoke(key));
            }
            return names;
        } catch (ClassNotFoundException notYet) {
            return List.of();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read io.baran.workflow.SearchAttributes.ALL: " + e, e);
        }
    }

    private Optional<String> publisherOf(int port) {
        return compose.services().values().stream()
                .filter(s -> s.ports().stream().map(Port::published).anyMatch(p -> p == port))
                .map(Service::name)
                .findFirst();
    }

    private static boolean sharesNetworkWith(Service service, String other) {
        return ("service:" + other).equals(service.raw().get("network_mode"));
    }

    static Map<String, Integer> localStackPorts(String script) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^([A-Z_]+_PORT)=(\\d+)$").matcher(script);
        while (m.find()) {
            ports.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return ports;
    }

    private static List<String> array(String script, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=\\(([^)]*)\\)").matcher(script);
        if (!m.find()) {
            throw new IllegalStateException("bin/local-stack has no " + name + "=(...) list");
        }
        return List.of(m.group(1).trim().split("\\s+"));
    }
}
