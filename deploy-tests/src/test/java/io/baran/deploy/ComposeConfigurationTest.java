package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.deploy.Compose.Port;
import io.baran.deploy.Compose.Service;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The services' configuration in docker-compose.yml: every variable names a key the service reads, the services
 * resolve it as intended (by the library Quarkus uses), ports and health checks are the services' own, and the
 * runbooks the orchestrator is given can run on what the worker is given.
 */
class ComposeConfigurationTest {

    private final Compose compose = Compose.read();

    @Test
    void everyVariableNamesAConfigurationKeyOfItsService() {
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            Map<String, String> env = compose.service(module.module()).environment();
            ConfigKeys keys = ConfigKeys.of(module, env);
            env.keySet().forEach(variable -> keys.problem(variable).ifPresent(p -> problems.add(module + ": " + p)));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void eachServiceReadsEveryVariableAsTheValueGiven() {
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            Map<String, String> env = compose.service(module.module()).environment();
            ConfigKeys keys = ConfigKeys.of(module, env);
            EffectiveConfig config = EffectiveConfig.of(module, env, sandboxConfigFile(module));
            env.forEach((variable, value) -> keys.property(variable).ifPresent(property -> {
                String read = config.value(property).orElse(null);
                if (!value.equals(read)) {
                    problems.add(
                            module + ": " + variable + "=" + value + " but the service reads " + property + "=" + read);
                }
            }));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theWorkerHasTheDemoProviderOnMoto() {
        EffectiveConfig worker = EffectiveConfig.of(
                ServiceModule.WORKER, compose.service("replication-worker").environment(), null);
        Map<?, ?> providers = (Map<?, ?>) worker.mapped("baran.providers");
        assertTrue(providers.containsKey("aws-local"), "providers the worker sees: " + providers.keySet());
        assertEquals(
                "http://moto:5000",
                worker.value("baran.providers.aws-local.endpoint").orElseThrow());
        assertEquals("aws", worker.value("baran.providers.aws-local.type").orElseThrow());
        assertTrue(compose.services().containsKey("moto"), "moto is a service");
    }

    @Test
    void theUpperCaseFormCannotSpellADashedMapKeySoTheComposeFileDoesNotUseIt() {
        EffectiveConfig upper = EffectiveConfig.of(
                ServiceModule.WORKER,
                Map.of(
                        "BARAN_PROVIDERS__AWS_LOCAL__TYPE",
                        "aws",
                        "BARAN_PROVIDERS__AWS_LOCAL__ENDPOINT",
                        "http://moto:5000"),
                null);
        assertEquals(
                Set.of("aws.local"),
                ((Map<?, ?>) upper.mapped("baran.providers")).keySet(),
                "SmallRye Config reads BARAN_PROVIDERS__AWS_LOCAL__TYPE as provider \"aws.local\"");
        assertTrue(
                ConfigKeys.of(ServiceModule.WORKER, "prod")
                        .problem("BARAN_PROVIDERS__AWS_LOCAL__TYPE")
                        .isPresent(),
                "the key check refuses that form");
    }

    @Test
    void withTheSandboxTheDetectorProbesTheDemoPrimaryAndWithoutItNothing() {
        Map<String, String> env = compose.service("detector-service").environment();
        EffectiveConfig sandbox =
                EffectiveConfig.of(ServiceModule.DETECTOR, env, sandboxConfigFile(ServiceModule.DETECTOR));
        Map<?, ?> targets = (Map<?, ?>) sandbox.mapped("baran.detector.targets");
        assertEquals(Set.of("demo-primary"), targets.keySet());
        assertEquals(
                "http://demo-primary:8091/healthz",
                sandbox.value("baran.detector.targets.demo-primary.url").orElseThrow());
        assertEquals(
                "local/demo/web",
                sandbox.value("baran.detector.targets.demo-primary.scope").orElseThrow());
        Map<?, ?> none = (Map<?, ?>)
                EffectiveConfig.of(ServiceModule.DETECTOR, env, null).mapped("baran.detector.targets");
        assertEquals(Set.of(), none.keySet(), "without the sandbox the detector has no target");
        // The file reaches the detector only through the volume the one-shots write.
        Service copy = compose.service("demo-detector-config");
        assertTrue(copy.script().contains("/config/application.properties"), copy.script());
        assertTrue(
                copy.volumes().contains(Map.entry("detector-config", "/config")),
                copy.volumes().toString());
        assertTrue(
                compose.service("detector-service")
                        .volumes()
                        .contains(Map.entry("detector-config", "/deployments/config")),
                "the detector reads $PWD/config/application.properties from the volume (WORKDIR /deployments)");
    }

    @Test
    void theDemoTargetsConfigurationIsTheLocalStacksWithTheContainersAddresses() {
        // The local stack's demo target is the detector's `local` profile (bin/local-stack runs it with
        // QUARKUS_PROFILE=local).
        Map<String, Integer> ports = ComposeTopologyTest.localStackPorts(Repo.read("bin/local-stack"));
        String local = Repo.read("detector-service/src/main/resources/application.properties");
        Matcher keys = Pattern.compile("(?m)^%local\\.(baran\\.detector\\.targets\\.[^=\\s]+)=(\\S+)$")
                .matcher(local);
        String file = compose.configContent("demo-detector-targets");
        int count = 0;
        while (keys.find()) {
            count++;
            String expected = keys.group(2)
                    .replace(
                            "127.0.0.1:" + ports.get("DEMO_PRIMARY_PORT"),
                            "demo-primary:" + ports.get("DEMO_PRIMARY_PORT"));
            assertTrue(
                    file.contains(keys.group(1) + "=" + expected),
                    "the demo config lacks " + keys.group(1) + "=" + expected + ":\n" + file);
        }
        assertTrue(count >= 2, "found the detector's local-profile targets");
    }

    @Test
    void portsAndHealthChecksAreTheServicesOwn() {
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            int port = module.httpPort();
            int management = module.managementPort();
            Service service = compose.service(module.module());
            String configured = service.environment().get("QUARKUS_HTTP_PORT");
            if (configured != null && Integer.parseInt(configured) != port) {
                problems.add(module + ": QUARKUS_HTTP_PORT " + configured + " is not its port " + port);
            }
            String configuredManagement = service.environment().get("QUARKUS_MANAGEMENT_PORT");
            if (configuredManagement != null && Integer.parseInt(configuredManagement) != management) {
                problems.add(module + ": QUARKUS_MANAGEMENT_PORT " + configuredManagement
                        + " is not its management port " + management);
            }
            for (int published : List.of(port, management)) {
                if (service.ports().stream().map(Port::target).noneMatch(p -> p == published)) {
                    problems.add(module + ": port " + published + " is not published (" + service.ports() + ")");
                }
            }
            // Health is served on the management interface only, never on the API's port.
            String health = service.healthcheckCommand().orElse("");
            if (!health.matches(".*http://127\\.0\\.0\\.1:" + management + "/q/health/(ready|live)\\b.*")) {
                problems.add(module + ": the health check does not ask /q/health/ready or /live on the management port "
                        + management + ": " + health);
            }
            String dockerfile = Repo.read(module.module() + "/src/main/docker/Dockerfile.jvm");
            for (int exposed : List.of(port, management)) {
                if (!Pattern.compile("(?m)^EXPOSE\\b.*\\b" + exposed + "\\b")
                        .matcher(dockerfile)
                        .find()) {
                    problems.add(module + ": its Dockerfile does not EXPOSE " + exposed);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyServiceTrustsTheTokensOfTheComposeKeycloak() {
        assertTrue(compose.services().containsKey("keycloak"), "Keycloak is a service");
        String command = String.valueOf(compose.service("keycloak").raw().get("command"));
        assertTrue(
                command.contains("--http-port=8180") && command.contains("--import-realm"),
                "keycloak's command: " + command);
        for (ServiceModule module : ServiceModule.ALL) {
            assertEquals(
                    "http://keycloak:8180/realms/baran",
                    compose.service(module.module()).environment().get("QUARKUS_OIDC_AUTH_SERVER_URL"),
                    module + ": the issuer whose tokens the API accepts");
        }
    }

    @Test
    void servicesReachKafkaAndTemporalWhereTheyListen() {
        String advertised = compose.service("kafka").environment().get("KAFKA_ADVERTISED_LISTENERS");
        for (ServiceModule module : List.of(ServiceModule.ORCHESTRATOR, ServiceModule.DETECTOR)) {
            String bootstrap = compose.service(module.module()).environment().get("KAFKA_BOOTSTRAP_SERVERS");
            assertTrue(
                    bootstrap != null && advertised.contains("://" + bootstrap),
                    module + " uses Kafka at " + bootstrap + ", which is not one of the advertised listeners "
                            + advertised);
        }
        for (ServiceModule module : List.of(ServiceModule.ORCHESTRATOR, ServiceModule.WORKER)) {
            assertEquals(
                    "temporal:7233",
                    compose.service(module.module()).environment().get("BARAN_TEMPORAL_TARGET"),
                    module.module());
        }
        assertTrue(
                compose.service("temporal").ports().stream().anyMatch(p -> p.target() == 7233),
                "Temporal's frontend is on 7233");
    }

    @Test
    void everyProviderTheRunbooksNameIsConfiguredInTheWorker() throws Exception {
        Service orchestrator = compose.service("orchestrator-service");
        String runbooksDir = orchestrator.environment().get("BARAN_RUNBOOKS_DIR");
        String source = orchestrator.volumes().stream()
                .filter(v -> v.getValue().equals(runbooksDir))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at " + runbooksDir));
        Set<String> named = new LinkedHashSet<>();
        try (Stream<Path> files = Files.list(Repo.root().resolve(source))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                collect(Yamls.load(Files.readString(file)), "provider", named);
            }
        }
        assertTrue(!named.isEmpty(), "the runbooks name providers");
        EffectiveConfig worker = EffectiveConfig.of(
                ServiceModule.WORKER, compose.service("replication-worker").environment(), null);
        Set<?> configured = ((Map<?, ?>) worker.mapped("baran.providers")).keySet();
        assertTrue(configured.containsAll(named), "runbooks name " + named + ", the worker has " + configured);
    }

    @Test
    void aHealthCheckOfTheLoopbackInARunbookReachesAServiceInTheWorkersNetwork() throws Exception {
        Set<String> urls = new LinkedHashSet<>();
        try (Stream<Path> files = Files.list(Repo.root().resolve("runbooks"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                collect(Yamls.load(Files.readString(file)), "url", urls);
            }
        }
        for (String url : urls) {
            URI uri = URI.create(url);
            if (!List.of("127.0.0.1", "localhost").contains(uri.getHost())) {
                continue;
            }
            boolean served = compose.services().values().stream()
                    .filter(s -> "service:replication-worker".equals(s.raw().get("network_mode")))
                    .anyMatch(s -> s.script().contains("--port, " + uri.getPort())
                            || s.script().contains("--port " + uri.getPort()));
            assertTrue(
                    served,
                    url + " is checked from the worker's container: a service sharing its network must listen on "
                            + uri.getPort());
        }
    }

    @Test
    void theServicesThatWriteTheAuditTrailWriteToTheOrchestratorsDatabaseAsTheRoleCreatedBeforeItsMigrations() {
        List<ServiceModule> writers = AuditWriters.all();
        assertEquals(
                List.of(ServiceModule.WORKER, ServiceModule.DETECTOR), writers, "the services using CallAuditTrail");
        Service orchestrator = compose.service("orchestrator-service");
        EffectiveConfig orchestratorConfig =
                EffectiveConfig.of(ServiceModule.ORCHESTRATOR, orchestrator.environment(), null);
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : writers) {
            EffectiveConfig config = EffectiveConfig.of(
                    module, compose.service(module.module()).environment(), sandboxConfigFile(module));
            problems.addAll(AuditWriters.problems(module.module(), config, orchestratorConfig));
            // The role exists, with that password, before the orchestrator's migrations grant it its privileges.
            String role = config.value("baran.audit.user").orElse(AuditWriters.injectedDefault("baran.audit.user"));
            String password = config.value("baran.audit.password").orElse("");
            String create = "CREATE ROLE " + role + " LOGIN PASSWORD ''" + password + "''";
            List<String> creators = compose.services().values().stream()
                    .filter(s -> s.script().contains(create))
                    .map(Service::name)
                    .toList();
            if (creators.isEmpty()) {
                problems.add(module + ": no one-shot creates its role (" + create + ")");
            }
            creators.stream()
                    .filter(creator -> !orchestrator
                            .dependsOn()
                            .contains(new Compose.Dependency(creator, "service_completed_successfully", true)))
                    .forEach(creator -> problems.add(module + ": the orchestrator's migrations may run before "
                            + creator + " creates " + role + ", and then grant it nothing"));
        }
        assertEquals(List.of(), problems);
    }

    /** Every value of the key anywhere in the YAML tree. */
    private static void collect(Object node, String key, Set<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (key.equals(k) && v != null) {
                    into.add(String.valueOf(v));
                }
                collect(v, key, into);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, key, into));
        }
    }

    /** The extra properties file the sandbox gives a service, or null. */
    @Test
    void theDetectorSignsWithTheKeyTheOneShotMakesAndTheOrchestratorTrustsItsPublicHalf() {
        Service keys = compose.service("signing-keys");
        String script = keys.script();
        Service detector = compose.service("detector-service");
        Service orchestrator = compose.service("orchestrator-service");
        Map<String, String> env = detector.environment();
        String keyFile = env.get("BARAN_SIGNING_KEY_FILE");
        String kid = env.get("BARAN_SIGNING_KEY_ID");
        String vantage = env.get("BARAN_DETECTOR_VANTAGE");
        assertTrue(keyFile != null && kid != null && vantage != null, "the detector's signing settings: " + env);

        // The detector reads the key from a volume, at the path the one-shot writes it in that volume.
        Map.Entry<String, String> keyMount = detector.volumes().stream()
                .filter(m -> keyFile.startsWith(m.getValue() + "/"))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError(keyFile + " is in no volume of the detector: " + detector.volumes()));
        String written = mountOf(keys, keyMount.getKey())
                + keyFile.substring(keyMount.getValue().length());
        assertTrue(script.contains("-out " + written), "signing-keys does not make " + written + ": " + script);

        // The orchestrator reads config/application.properties from the volume the one-shot writes the roster to.
        Map.Entry<String, String> rosterMount = orchestrator.volumes().stream()
                .filter(m -> m.getValue().equals("/deployments/config"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the orchestrator mounts nothing at /deployments/config"));
        assertTrue(script.contains(">" + mountOf(keys, rosterMount.getKey()) + "/application.properties"), script);
        Matcher printf = Pattern.compile("printf '([^']*)'").matcher(script);
        assertTrue(printf.find(), "signing-keys writes the roster with printf: " + script);
        String roster = printf.group(1).replace("\\n", "\n").replace("%s", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE");
        ConfigKeys orchestratorKeys = ConfigKeys.of(ServiceModule.ORCHESTRATOR, "prod");
        roster.lines()
                .forEach(line -> assertEquals(
                        java.util.Optional.empty(), orchestratorKeys.problem(line.substring(0, line.indexOf('=')))));
        EffectiveConfig read = EffectiveConfig.of(ServiceModule.ORCHESTRATOR, orchestrator.environment(), roster);
        assertEquals(
                vantage,
                read.value("baran.signing.roster." + kid + ".vantage").orElse(null),
                "the roster names the detector's key id and vantage: " + roster);
        assertTrue(read.value("baran.signing.roster." + kid + ".public-key").isPresent(), roster);

        for (Service waiting : List.of(detector, orchestrator)) {
            assertTrue(
                    waiting.dependsOn()
                            .contains(new Compose.Dependency("signing-keys", "service_completed_successfully", true)),
                    waiting.name() + " does not wait for signing-keys");
        }
    }

    @Test
    void theOrchestratorSignsEvidencePacksWithTheKeyTheOneShotMakesAndItsPublicHalfIsBesideIt() {
        Service keys = compose.service("signing-keys");
        String script = keys.script();
        Service orchestrator = compose.service("orchestrator-service");
        String keyFile = orchestrator.environment().get("BARAN_EVIDENCE_SIGNING_KEY_FILE");
        assertTrue(keyFile != null, "the orchestrator's evidence key: " + orchestrator.environment());
        EffectiveConfig read = EffectiveConfig.of(ServiceModule.ORCHESTRATOR, orchestrator.environment(), "");
        assertEquals(keyFile, read.value("baran.evidence.signing.key-file").orElse(null));

        Map.Entry<String, String> keyMount = orchestrator.volumes().stream()
                .filter(m -> keyFile.startsWith(m.getValue() + "/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        keyFile + " is in no volume of the orchestrator: " + orchestrator.volumes()));
        String written = mountOf(keys, keyMount.getKey())
                + keyFile.substring(keyMount.getValue().length());
        assertTrue(script.contains("-out " + written), "signing-keys does not make " + written + ": " + script);
        assertTrue(
                script.contains("chown 185 " + written) && script.contains("chmod 0400 " + written),
                "the evidence key is readable by the service's user only: " + script);
        String publicHalf = written.replaceAll("\\.pem$", ".pub");
        assertTrue(
                script.contains("-pubout -out " + publicHalf),
                "signing-keys writes the public half beside the key: " + script);
    }

    /** Where a service mounts a named volume. */
    private static String mountOf(Service service, String volume) {
        return service.volumes().stream()
                .filter(m -> m.getKey().equals(volume))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError(service.name() + " does not mount the volume " + volume));
    }

    private String sandboxConfigFile(ServiceModule module) {
        return module == ServiceModule.DETECTOR ? compose.configContent("demo-detector-targets") : null;
    }
}
