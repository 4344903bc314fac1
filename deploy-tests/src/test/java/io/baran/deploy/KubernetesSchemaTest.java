package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every overlay builds with kustomize, and every object it produces validates, strictly (no unknown field), against
 * the Kubernetes OpenAPI schemas of the oldest version Baran supports and of the newest the validator knows. The
 * schemas come offline with the PyPI package kubernetes-validate (installed by .ci/run).
 */
class KubernetesSchemaTest {

    /** The oldest Kubernetes minor these manifests promise to work on; "" is the validator's newest. */
    static final List<String> VERSIONS = List.of("1.30.0", "");

    static Stream<String> overlays() {
        return Kustomize.overlays().stream();
    }

    static Stream<Arguments> overlaysAndVersions() {
        return Kustomize.overlays().stream().flatMap(o -> VERSIONS.stream().map(v -> Arguments.of(o, v)));
    }

    @Test
    void theOverlaysAreDevAndProd() {
        assertTrue(Kustomize.overlays().containsAll(List.of("dev", "prod")), "overlays: " + Kustomize.overlays());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void overlayBuildsIntoTheThreeServices(String overlay) {
        Manifests manifests = new Manifests(overlay);
        for (ServiceModule module : ServiceModule.ALL) {
            assertTrue(
                    manifests.find("Deployment", module.module()).isPresent(),
                    overlay + " has no Deployment " + module);
        }
    }

    @ParameterizedTest
    @MethodSource("overlaysAndVersions")
    void everyObjectValidatesAgainstTheKubernetesSchemas(String overlay, String version) {
        Path file = Kustomize.file(overlay);
        Processes.Result result = validate(file, version);
        assertEquals(0, result.exitCode(), "k8s/overlays/" + overlay + " does not validate: " + result.describe());
        long passed = result.output()
                .lines()
                .filter(l -> l.contains(" passed for resource "))
                .count();
        int objects = Kustomize.documents(overlay).size();
        assertEquals(
                objects, passed, "every object must be checked against a schema (none unknown): " + result.output());
    }

    @Test
    void theValidatorRefusesAMisspelledField() throws IOException {
        String broken = Kustomize.build("prod").replace("readinessProbe:", "readinesProbe:");
        Path file = Repo.output("k8s").resolve("misspelled.yaml");
        Files.writeString(file, broken);
        Processes.Result result = validate(file, "");
        assertNotEquals(0, result.exitCode(), "the validator accepted readinesProbe: the check would catch nothing");
        assertTrue(result.output().contains("readinesProbe"), result.output());
    }

    private static Processes.Result validate(Path file, String version) {
        Path validator = Processes.find("kubernetes-validate", "BARAN_KUBERNETES_VALIDATE_BIN")
                .orElseThrow(() -> new AssertionError(
                        "kubernetes-validate is not installed: pip install kubernetes-validate==1.37.0 (.ci/run does),"
                                + " or set BARAN_KUBERNETES_VALIDATE_BIN"));
        List<String> command = new ArrayList<>(List.of(validator.toString(), "--strict"));
        if (!version.isEmpty()) {
            command.addAll(List.of("-k", version));
        }
        command.add(file.toString());
        return Processes.run(command, Repo.root(), Duration.ofSeconds(120));
    }

    static Map<String, Object> deployment(Manifests manifests, ServiceModule module) {
        return manifests.find("Deployment", module.module()).orElseThrow();
    }
}
