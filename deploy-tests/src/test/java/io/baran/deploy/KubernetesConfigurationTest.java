package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.RunbookError;
import io.baran.runbook.RunbookParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The services' configuration in each overlay, checked as for docker-compose.yml: every variable (env and envFrom
 * ConfigMaps) and every property of the mounted config/application.properties is a key the service reads, the
 * service would start with it, ports are the services' own, and the runbooks shipped can run on the providers given.
 */
class KubernetesConfigurationTest {

    static Stream<String> overlays() {
        return Kustomize.overlays().stream();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyVariableNamesAConfigurationKeyOfItsService(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            Map<String, String> env = manifests.environment(container(manifests, module));
            ConfigKeys keys = ConfigKeys.of(module, env);
            env.keySet()
                    .forEach(variable ->
                            keys.problem(variable).ifPresent(p -> problems.add(overlay + " " + module + ": " + p)));
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceWouldStartWithItsConfigurationAndReadsItAsGiven(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            Map<String, String> env = manifests.environment(container(manifests, module));
            EffectiveConfig config = EffectiveConfig.of(
                    module, env, configFile(manifests, module).orElse(null));
            ConfigKeys keys = ConfigKeys.of(module, env);
            env.forEach((variable, value) -> keys.property(variable).ifPresent(property -> {
                String read = config.value(property).orElse(null);
                if (!value.equals(read)) {
                    problems.add(overlay + " " + module + ": " + variable + "=" + value + " but the service reads "
                            + property + "=" + read);
                }
            }));
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyKeyOfTheMountedPropertiesIsOneTheServiceReads(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            Optional<String> file = configFile(manifests, module);
            if (file.isEmpty()) {
                continue;
            }
            ConfigKeys keys = ConfigKeys.of(module, "prod");
            java.util.Properties properties = new java.util.Properties();
            try {
                properties.load(new java.io.StringReader(file.get()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            properties
                    .stringPropertyNames()
                    .forEach(name -> keys.problem(name)
                            .ifPresent(p ->
                                    problems.add(overlay + " " + module + " config/application.properties: " + p)));
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theOrchestratorChecksRunbooksAgainstTheWorkersProviders(String overlay) {
        Manifests manifests = new Manifests(overlay);
        Set<?> worker = providers(manifests, ServiceModule.WORKER);
        Set<?> orchestrator = providers(manifests, ServiceModule.ORCHESTRATOR);
        assertEquals(
                worker,
                orchestrator,
                overlay + ": the orchestrator checks runbooks against other providers than the worker has");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void runbooksShippedInAnOverlayAreValidAndNameConfiguredProviders(String overlay) {
        Manifests manifests = new Manifests(overlay);
        Map<String, Object> deployment = KubernetesSchemaTest.deployment(manifests, ServiceModule.ORCHESTRATOR);
        Map<String, Object> container = container(manifests, ServiceModule.ORCHESTRATOR);
        String dir = manifests.environment(container).get("BARAN_RUNBOOKS_DIR");
        assertTrue(dir != null, overlay + ": the orchestrator is not told where its runbooks are");
        Optional<Map<String, Object>> runbooks = manifests.mountedConfigMap(deployment, container, dir);
        Optional<Object> volume = Yamls.list(Manifests.podSpec(deployment).get("volumes"), "volumes").stream()
                .filter(v -> Yamls.at(v, "configMap", "name") != null
                        && String.valueOf(Yamls.at(v, "configMap", "name")).startsWith("baran-runbooks"))
                .findFirst();
        assertTrue(volume.isPresent(), overlay + ": no runbooks volume at " + dir);
        if (runbooks.isEmpty()) {
            assertEquals(
                    Boolean.TRUE,
                    Yamls.at(volume.get(), "configMap", "optional"),
                    overlay + ": the runbooks ConfigMap is left to the operator, so its volume must be optional");
            return;
        }
        Set<?> providers = providers(manifests, ServiceModule.WORKER);
        List<String> problems = new ArrayList<>();
        Yamls.map(runbooks.get().get("data"), "data").forEach((file, text) -> {
            for (RunbookError error : new RunbookParser().validate(file, String.valueOf(text))) {
                problems.add(overlay + " " + error);
            }
            Set<String> named = new LinkedHashSet<>();
            collectProviders(Yamls.load(String.valueOf(text)), named);
            named.stream()
                    .filter(p -> !providers.contains(p))
                    .forEach(p -> problems.add(overlay + " " + file + " names provider " + p
                            + ", which is not configured (" + providers + ")"));
        });
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void portsAreTheServicesOwn(String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            Map<String, Object> container = container(manifests, module);
            int port = module.httpPort();
            boolean declared = Yamls.list(container.get("ports"), "ports").stream()
                    .anyMatch(p -> "http".equals(Yamls.at(p, "name"))
                            && String.valueOf(port).equals(String.valueOf(Yamls.at(p, "containerPort"))));
            if (!declared) {
                problems.add(overlay + " " + module + ": no container port http=" + port);
            }
            String configured = manifests.environment(container).get("QUARKUS_HTTP_PORT");
            if (configured != null && Integer.parseInt(configured) != port) {
                problems.add(overlay + " " + module + ": QUARKUS_HTTP_PORT " + configured + " is not " + port);
            }
            Optional<Map<String, Object>> service = manifests.find("Service", module.module());
            if (service.isEmpty()
                    || Yamls.list(Yamls.at(service.get(), "spec", "ports"), "ports").stream()
                            .noneMatch(p -> String.valueOf(port).equals(String.valueOf(Yamls.at(p, "port")))
                                    && "http".equals(Yamls.at(p, "targetPort")))) {
                problems.add(overlay + " " + module + ": no Service " + module + " with port " + port
                        + " to targetPort http");
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theDetectorSignsWithTheKeyOfItsSecretAndTheOrchestratorAndTheDetectorsReadTheRoster(String overlay) {
        Manifests manifests = new Manifests(overlay);
        Map<String, Object> detector = container(manifests, ServiceModule.DETECTOR);
        Map<String, String> env = manifests.environment(detector);
        assertEquals("<baran-detector-signing-key/private-key>", env.get("BARAN_SIGNING_KEY"), overlay);
        assertEquals("<baran-detector-signing-key/key-id>", env.get("BARAN_SIGNING_KEY_ID"), overlay);
        // Never optional: a detector without its key would sign with one made at start, which nobody trusts.
        Yamls.list(detector.get("env"), "env").stream()
                .filter(e -> "baran-detector-signing-key".equals(Yamls.at(e, "valueFrom", "secretKeyRef", "name")))
                .forEach(e -> assertTrue(
                        !Boolean.TRUE.equals(Yamls.at(e, "valueFrom", "secretKeyRef", "optional")),
                        overlay + ": " + Yamls.at(e, "name") + " is optional"));
        for (ServiceModule module : List.of(ServiceModule.DETECTOR, ServiceModule.ORCHESTRATOR)) {
            boolean roster = Yamls.list(container(manifests, module).get("envFrom"), "envFrom").stream()
                    .map(from -> Yamls.string(Yamls.at(from, "configMapRef", "name")))
                    .anyMatch(name -> name != null && name.startsWith("baran-signing-roster"));
            assertTrue(roster, overlay + ": " + module + " does not read the ConfigMap baran-signing-roster");
        }
    }

    @Test
    void inProductionEachServiceIsItsOwnKafkaPrincipal() {
        Manifests manifests = new Manifests("prod");
        Set<String> secrets = new LinkedHashSet<>();
        for (ServiceModule module : ServiceModule.ALL) {
            Map<String, String> env = manifests.environment(container(manifests, module));
            assertEquals("SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL"), module.module());
            assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"), module.module());
            String jaas = env.get("KAFKA_SASL_JAAS_CONFIG");
            assertTrue(jaas != null && jaas.matches("<baran-kafka-[a-z]+/sasl\\.jaas\\.config>"), module + ": " + jaas);
            secrets.add(jaas);
        }
        assertEquals(ServiceModule.ALL.size(), secrets.size(), "one Kafka Secret per service: " + secrets);
    }

    private static Set<?> providers(Manifests manifests, ServiceModule module) {
        Map<String, String> env = manifests.environment(container(manifests, module));
        EffectiveConfig config =
                EffectiveConfig.of(module, env, configFile(manifests, module).orElse(null));
        return ((Map<?, ?>) config.mapped("baran.providers")).keySet();
    }

    private static Optional<String> configFile(Manifests manifests, ServiceModule module) {
        return manifests.mountedFile(
                KubernetesSchemaTest.deployment(manifests, module),
                container(manifests, module),
                "/deployments/config",
                "application.properties");
    }

    static Map<String, Object> container(Manifests manifests, ServiceModule module) {
        return Manifests.containers(KubernetesSchemaTest.deployment(manifests, module)).stream()
                .filter(c -> module.module().equals(c.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        manifests.overlay() + ": Deployment " + module + " has no container " + module));
    }

    private static void collectProviders(Object node, Set<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("provider".equals(k) && v != null) {
                    into.add(String.valueOf(v));
                }
                collectProviders(v, into);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectProviders(item, into));
        }
    }
}
