package io.baran.orchestrator.dispatch;

import io.baran.orchestrator.config.DispatchConfig;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The configured caps on concurrent executions per provider ({@code baran.dispatch.provider-cap."<provider>"}). */
@ApplicationScoped
public class ProviderCaps {

    @Inject
    DispatchConfig config;

    /** The cap of a provider; empty when it has none. */
    public OptionalInt of(String provider) {
        Integer cap = config.providerCap().get(provider);
        return cap == null || cap <= 0 ? OptionalInt.empty() : OptionalInt.of(cap);
    }

    /** The capped providers a runbook's steps name ({@code with.provider}), sorted; empty when none is capped. */
    public List<String> cappedOf(Runbook runbook) {
        if (config.providerCap().isEmpty()) {
            return List.of();
        }
        TreeSet<String> out = new TreeSet<>();
        Stream.concat(runbook.actionSteps().stream(), runbook.failback().actionSteps().stream())
                .map(Step::with)
                .map(with -> with.get("provider"))
                .filter(Objects::nonNull)
                .map(String::valueOf)
                .filter(p -> of(p).isPresent())
                .forEach(out::add);
        return List.copyOf(out);
    }
}
