package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.baran.runbook.ActionCatalog;
import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.BoundWith;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The worker and the runbook model agree on every action: each action the model defines (and this version
 * implements) has exactly one handler here, control flow has none, each handler binds through the model's own
 * definition, and reads every field of its {@code with:} block. Handlers are found by scanning this package's
 * classes, so a new one cannot be left out of the check.
 */
class ActionContractTest {

    private static final ActionCatalog MODEL = ActionCatalog.standard();

    /** One valid block per action, every field set (to a value other than its default where it has one). */
    private static final Map<String, Map<String, Object>> SAMPLES = Map.of(
            "dns.switch",
                    Map.of(
                            "provider",
                            "aws-main",
                            "zone",
                            "example.com",
                            "record",
                            "www",
                            "type",
                            "A",
                            "to",
                            List.of("192.0.2.1", "192.0.2.2"),
                            "ttl",
                            300),
            "dns.set-weights",
                    Map.of(
                            "provider",
                            "aws-main",
                            "zone",
                            "example.com",
                            "record",
                            "www",
                            "type",
                            "A",
                            "weights",
                            Map.of("primary", 0, "standby", 100)),
            "health.check",
                    Map.of("url", "https://www.example.com/healthz", "expect", 204, "within", "2m", "interval", "5s"),
            "cdn.extend-ttl", Map.of("provider", "aws-main", "distribution", "E1", "ttl", "24h", "serveStale", true),
            "database.promote-replica",
                    Map.of("provider", "aws-dr", "instance", "orders-replica", "fence", "best-effort"),
            "database.switchover", Map.of("provider", "aws-dr", "instance", "orders"),
            "storage.check-replica",
                    Map.of(
                            "source",
                            "aws-main:s3://shop-assets",
                            "replica",
                            "gcp-dr:gs://shop-assets",
                            "maxLag",
                            "15m"),
            "storage.failover", Map.of("source", "aws-main:s3://shop-assets", "replica", "gcp-dr:gs://shop-assets"),
            "notify", Map.of("channel", "oncall", "message", "failing over", "required", true));

    @Test
    void everyActionOfTheModelHasExactlyOneHandlerAndControlFlowHasNone() {
        Map<String, List<String>> handlers = new HashMap<>();
        for (Action action : handlers()) {
            handlers.computeIfAbsent(action.name(), n -> new ArrayList<>())
                    .add(action.getClass().getSimpleName());
        }
        List<String> problems = new ArrayList<>();
        for (ActionType type : MODEL.types()) {
            List<String> hosted = handlers.getOrDefault(type.name(), List.of());
            ActionSpec spec = type.spec();
            if (spec.controlFlow() && !hosted.isEmpty()) {
                problems.add(type.name() + " is control flow (the workflow runs it) but the worker hosts " + hosted);
            } else if (!spec.controlFlow() && spec.implemented() && hosted.size() != 1) {
                problems.add(type.name() + " needs exactly one handler in the worker, not " + hosted);
            }
        }
        handlers.keySet().stream()
                .filter(name -> MODEL.type(name).isEmpty())
                .forEach(name ->
                        problems.add(name + " is hosted by the worker but the runbook model defines no such action"));
        assertEquals(List.of(), problems);
    }

    @Test
    void everyHandlerBindsThroughTheModelsOwnDefinition() {
        for (Action action : handlers()) {
            ActionSpec model = MODEL.find(action.name()).orElseThrow();
            assertEquals(
                    model,
                    action.type().spec(),
                    action.name() + ": the worker binds another definition than the model's");
            assertEquals(
                    MODEL.type(action.name()).orElseThrow().getClass(),
                    action.type().getClass(),
                    action.name());
        }
    }

    @Test
    void everyHandlerReadsEveryFieldTheModelDeclares() {
        List<String> problems = new ArrayList<>();
        for (Action action : handlers()) {
            ActionSpec spec = action.type().spec();
            Map<String, Object> sample = SAMPLES.get(action.name());
            if (sample == null || !sample.keySet().equals(spec.fields().keySet())) {
                problems.add(action.name() + ": the sample block sets "
                        + (sample == null ? "nothing" : new TreeSet<>(sample.keySet())) + " but the model declares "
                        + new TreeSet<>(spec.fields().keySet()) + " (update SAMPLES and the handler)");
                continue;
            }
            BoundWith full = action.type().bind(sample);
            assertTrue(full.valid(), action.name() + ": " + full.problems());
            action.input(full);
            if (!full.unread().isEmpty()) {
                problems.add(action.name() + ": the worker does not read with." + String.join(", with.", full.unread())
                        + " (the model declares it; the worker would ignore what a runbook says)");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyHandlerTakesABlockWithOnlyTheRequiredFieldsUsingTheModelsDefaults() {
        for (Action action : handlers()) {
            Map<String, Object> required = new HashMap<>(SAMPLES.get(action.name()));
            required.keySet()
                    .removeIf(field -> !action.type().spec().fields().get(field).required());
            BoundWith minimal = action.type().bind(required);
            assertTrue(minimal.valid(), action.name() + ": " + minimal.problems());
            action.input(minimal);
        }
    }

    /** Every concrete {@link Action} of this package, built without its collaborators (binding needs none). */
    private static List<Action> handlers() {
        try {
            Path dir = Path.of(Action.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .resolve(Action.class.getPackageName().replace('.', '/'));
            List<Action> actions = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")
                                && !f.getFileName().toString().contains("$"))
                        .toList()) {
                    String name = Action.class.getPackageName() + "."
                            + file.getFileName().toString().replace(".class", "");
                    Class<?> c = Class.forName(name);
                    if (Action.class.isAssignableFrom(c)
                            && !c.isInterface()
                            && !Modifier.isAbstract(c.getModifiers())) {
                        Constructor<?> constructor = c.getConstructors()[0];
                        actions.add((Action) constructor.newInstance(new Object[constructor.getParameterCount()]));
                    }
                }
            }
            assertFalse(actions.isEmpty(), "no actions found in " + dir);
            return actions;
        } catch (URISyntaxException | ReflectiveOperationException | java.io.IOException e) {
            return fail("cannot list the worker's actions: " + e);
        }
    }
}
