package io.baran.worker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.runbook.ProviderTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The worker's provider declarations and the runbook model agree: the orchestrator refuses a runbook by the
 * model's {@link ProviderTypes}, the worker by its own {@link Capabilities}, so the two must say the same.
 */
class CapabilityContractTest {

    @Test
    void everyCapabilityOfTheModelIsDeclaredInFinerGrainByTheWorker() {
        Set<io.baran.runbook.Capability> covered = Arrays.stream(Capability.values())
                .map(Capability::group)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(io.baran.runbook.Capability.class)));
        assertEquals(EnumSet.allOf(io.baran.runbook.Capability.class), covered);
    }

    @Test
    void everyProviderTypeCanWhatTheModelSaysItCan() {
        List<String> problems = new ArrayList<>();
        for (ProviderType type : Providers.TYPES) {
            var model = ProviderTypes.find(type.type());
            if (model.isEmpty()) {
                problems.add("the worker has provider type " + type.type() + ", the runbook model does not");
                continue;
            }
            Set<io.baran.runbook.Capability> can = type.capabilities().all().entrySet().stream()
                    .filter(e -> e.getValue().available())
                    .map(e -> e.getKey().group())
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(io.baran.runbook.Capability.class)));
            if (!can.equals(model.get().capabilities())) {
                problems.add(type.type() + ": the worker can " + can + ", the runbook model says "
                        + model.get().capabilities());
            }
        }
        ProviderTypes.all().stream()
                .filter(t -> Providers.TYPES.stream().noneMatch(w -> w.type().equals(t.name())))
                .forEach(
                        t -> problems.add("the runbook model has provider type " + t.name() + ", the worker does not"));
        assertEquals(List.of(), problems);
    }
}
