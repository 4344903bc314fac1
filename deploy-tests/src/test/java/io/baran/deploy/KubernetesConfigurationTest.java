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
    void theDetectorSignsWithTheKeyOfItsSecretTheOrchestratorSignsPacksWithItsAndBothReadTheRoster(String overlay) {
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
        Map<String, String> orchestrator = manifests.environment(container(manifests, ServiceModule.ORCHESTRATOR));
        assertEquals("<baran-evidence-key/private-key>", orchestrator.get("BARAN_EVIDENCE_SIGNING_KEY"), overlay);
        assertEquals("<baran-evidence-key/key-id>", orchestrator.get("BARAN_EVIDENCE_SIGNING_KEY_ID"), overlay);
        for (ServiceModule module : List.of(ServiceModule.DETECTOR, ServiceModule.ORCHESTRATOR)) {
            boolean roster = Yamls.list(container(manifests, module).get("envFrom"), "envFrom").stream()
                    .map(from -> Yamls.string(Yamls.at(from, "configMapRef", "name")))
                    .anyMatch(name -> name != null && name.startsWith("baran-signing-roster"));
            assertTrue(roster, overlay + ": " + module + " does not read the ConfigMap baran-signing-roster");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theServicesThatWriteTheAuditTrailAreGivenTheOrchestratorsDatabaseAndTheRolesPasswordFromASecret(
            String overlay) {
        Manifests manifests = new Manifests(overlay);
        List<ServiceModule> writers = AuditWriters.all();
        assertEquals(
                List.of(ServiceModule.WORKER, ServiceModule.DETECTOR), writers, "the services using CallAuditTrail");
        EffectiveConfig orchestrator = effective(manifests, ServiceModule.ORCHESTRATOR);
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : writers) {
            String where = overlay + " " + module;
            Map<String, Object> container = container(manifests, module);
            problems.addAll(AuditWriters.problems(where, effective(manifests, module), orchestrator));
            // The password from a Secret the operator creates, named entry by entry, never optional.
            ConfigKeys keys = ConfigKeys.of(module, manifests.environment(container));
            List<Object> passwords = Yamls.list(container.get("env"), "env").stream()
                    .filter(e -> keys.property(Yamls.string(Yamls.at(e, "name")))
                            .filter("baran.audit.password"::equals)
                            .isPresent())
                    .toList();
            if (passwords.size() != 1 || Yamls.at(passwords.get(0), "valueFrom", "secretKeyRef", "key") == null) {
                problems.add(where + ": baran.audit.password is not taken from a Secret (secretKeyRef): " + passwords);
            } else if (Boolean.TRUE.equals(Yamls.at(passwords.get(0), "valueFrom", "secretKeyRef", "optional"))) {
                problems.add(
                        where
                                + ": the Secret of its audit password is optional: without it every changing call would be refused (503)");
            }
            if (overlay.equals("prod")
                    && effective(manifests, module)
                            .value("baran.audit.jdbc-url")
                            .filter(url -> !url.matches(".*[?&]sslmode=(require|verify-ca|verify-full)\\b.*"))
                            .isPresent()) {
                problems.add(where + ": the audit trail's database is not reached over TLS (sslmode)");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aRenamedAuditRoleIsSetOnTheOrchestratorAndTheWritersAlike() {
        // k8s/README.md: another role than baran_audit is BARAN_AUDIT_ROLE on the orchestrator (what its migration
        // grants) and BARAN_AUDIT_USER on the detector and the worker.
        assertEquals(
                Optional.empty(),
                ConfigKeys.of(ServiceModule.ORCHESTRATOR, "prod").problem("BARAN_AUDIT_ROLE"));
        Map<String, String> database = Map.of("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://db:5432/baran");
        Map<String, String> renamed = new java.util.HashMap<>(database);
        renamed.put("BARAN_AUDIT_ROLE", "audit_writer");
        EffectiveConfig orchestrator = EffectiveConfig.of(ServiceModule.ORCHESTRATOR, renamed, null);
        Map<String, String> writer = Map.of(
                "BARAN_AUDIT_JDBC_URL",
                "jdbc:postgresql://db:5432/baran",
                "BARAN_AUDIT_PASSWORD",
                "<baran-audit/password>");
        assertEquals(
                List.of(
                        "detector-service: writes the audit trail as baran_audit, but the orchestrator's migrations grant"
                                + " audit_writer (" + AuditWriters.GRANTED_ROLE + ")"),
                AuditWriters.problems(
                        "detector-service", EffectiveConfig.of(ServiceModule.DETECTOR, writer, null), orchestrator));
        Map<String, String> renamedWriter = new java.util.HashMap<>(writer);
        renamedWriter.put("BARAN_AUDIT_USER", "audit_writer");
        assertEquals(
                List.of(),
                AuditWriters.problems(
                        "detector-service",
                        EffectiveConfig.of(ServiceModule.DETECTOR, renamedWriter, null),
                        orchestrator));
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

    static EffectiveConfig effective(Manifests manifests, ServiceModule module) {
        return EffectiveConfig.of(
                module,
                manifests.environment(container(manifests, module)),
                configFile(manifests, module).orElse(null));
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
