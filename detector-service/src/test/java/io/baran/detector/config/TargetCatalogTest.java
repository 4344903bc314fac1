package io.baran.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.Targets;
import io.baran.testinfra.WorkDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetCatalogTest {

    private final Path dir = WorkDirs.create("catalog");
    private final List<String> started = new ArrayList<>();
    private final List<String> stopped = new ArrayList<>();
    private final TargetDefinition configured = Targets.http("cfg", "http://127.0.0.1:1/cfg", "local/cfg", "1s", 3);

    private TargetCatalog catalog() {
        return new TargetCatalog(List.of(configured), new TargetFile(dir), d -> started.add(d.name()), stopped::add);
    }

    @Test
    void aTargetAddedThroughTheApiSurvivesARestart() throws Exception {
        catalog().put("web", Targets.spec("http://u:secret@127.0.0.1:1/web", "local/web", "250ms", 2, 2), true);
        assertEquals(List.of("web"), started);
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("targets.json"))),
                "the file may hold credentials");

        TargetCatalog restarted = catalog();
        TargetDefinition web = restarted.get("web").orElseThrow();
        assertEquals(TargetDefinition.Origin.API, web.origin());
        assertEquals("http://127.0.0.1:1/web", web.url().toString());
        assertEquals(java.time.Duration.ofMillis(250), web.interval());
        assertEquals(
                List.of("cfg", "web"),
                restarted.all().stream().map(TargetDefinition::name).toList());

        assertTrue(restarted.remove("web"));
        assertEquals(List.of("web"), stopped);
        assertTrue(catalog().get("web").isEmpty(), "removed for good");
    }

    @Test
    void replacingKeepsOneEntryAndRefusingChangesNothing() {
        TargetCatalog catalog = catalog();
        assertTrue(catalog.put("web", Targets.spec("http://127.0.0.1:1/a", "local/web", "1s", 3, 3), false));
        assertFalse(catalog.put("web", Targets.spec("http://127.0.0.1:1/b", "local/web", "1s", 3, 3), false));
        TargetCatalog.Invalid invalid = assertThrows(
                TargetCatalog.Invalid.class,
                () -> catalog.put("web", Targets.spec("http://127.0.0.1:1/c", "local/web", "10ms", 0, 3), false));
        assertEquals(
                List.of("interval", "failureThreshold"),
                invalid.problems().stream()
                        .map(TargetDefinitions.Problem::field)
                        .toList());
        assertEquals(
                "http://127.0.0.1:1/b", catalog().get("web").orElseThrow().url().toString());
    }

    @Test
    void theConfigurationsTargetsAreNotTheApis() {
        TargetCatalog catalog = catalog();
        assertThrows(TargetCatalog.Conflict.class, () -> catalog.remove("cfg"));
        assertThrows(
                TargetCatalog.Conflict.class,
                () -> catalog.put("cfg", Targets.spec("http://127.0.0.1:1/x", "local/cfg", "1s", 3, 3), false));
        assertThrows(TargetCatalog.Conflict.class, () -> {
            catalog.put("dup", Targets.spec("http://127.0.0.1:1/x", "local/x", "1s", 3, 3), true);
            catalog.put("dup", Targets.spec("http://127.0.0.1:1/x", "local/x", "1s", 3, 3), true);
        });
    }

    @Test
    void aBrokenFileStopsTheStartNamingFileTargetAndField() throws Exception {
        Files.writeString(
                dir.resolve("targets.json"),
                "{\"targets\":{\"web\":{\"url\":\"gopher://x\",\"scope\":\"local/web\"},"
                        + "\"cfg\":{\"url\":\"http://127.0.0.1:1/\",\"scope\":\"local/cfg\"}}}");
        TargetDefinitions.InvalidConfigException e =
                assertThrows(TargetDefinitions.InvalidConfigException.class, this::catalog);
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(
                e.problems()
                        .get(0)
                        .startsWith(dir.resolve("targets.json") + ": targets.cfg: also defined in the configuration"),
                e.problems().get(0));
        assertTrue(
                e.problems().get(1).startsWith(dir.resolve("targets.json") + ": targets.web.url: "),
                e.problems().get(1));
    }
}
