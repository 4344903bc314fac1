package io.baran.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * {@code kustomize build} of the overlays under k8s/overlays, each built once per test run and kept in
 * deploy-tests/target/k8s/<overlay>.yaml. The kustomize binary (installed by .ci/run with go install) or,
 * failing that, kubectl's built-in kustomize.
 */
final class Kustomize {

    private static final Map<String, String> BUILT = new ConcurrentHashMap<>();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Kustomize() {}

    /** The overlays, by folder name. */
    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(Repo.file("k8s/overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifests of an overlay as kustomize prints them. */
    static String build(String overlay) {
        return BUILT.computeIfAbsent(overlay, Kustomize::run);
    }

    static List<Map<String, Object>> documents(String overlay) {
        return Yamls.loadAll(build(overlay));
    }

    /** The file the overlay's manifests were written to (for the schema validator). */
    static Path file(String overlay) {
        build(overlay);
        return Repo.output("k8s").resolve(overlay + ".yaml");
    }

    private static String run(String overlay) {
        List<String> command = new ArrayList<>(command());
        command.add("k8s/overlays/" + overlay);
        Processes.Result result = Processes.run(command, Repo.root(), TIMEOUT);
        if (result.exitCode() != 0) {
            throw new AssertionError("kustomize build of k8s/overlays/" + overlay + " failed: " + result.describe());
        }
        try {
            Files.writeString(Repo.output("k8s").resolve(overlay + ".yaml"), result.output());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result.output();
    }

    static List<String> command() {
        Path goBin = Path.of(System.getProperty("user.home"), "go", "bin");
        return Processes.find("kustomize", "BARAN_KUSTOMIZE_BIN", goBin)
                .map(k -> List.of(k.toString(), "build"))
                .or(() -> Processes.find("kubectl", "BARAN_KUBECTL_BIN").map(k -> List.of(k.toString(), "kustomize")))
                .orElseThrow(() -> new AssertionError(
                        "kustomize is not installed: go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1"
                                + " (.ci/run does), or put kubectl on PATH, or set BARAN_KUSTOMIZE_BIN"));
    }
}
