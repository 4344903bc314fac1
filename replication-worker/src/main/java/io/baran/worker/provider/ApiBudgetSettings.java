package io.baran.worker.provider;

import io.baran.worker.budget.Limit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A provider's API budget settings: {@code api-account} and {@code api-budget.<api>.rate} / {@code .burst}, read the
 * same way for every type. An API the type does not budget, or another key under {@code api-budget.}, stops the
 * worker at start-up, as any unknown setting does.
 */
public final class ApiBudgetSettings {

    public static final String ACCOUNT = "api-account";
    public static final String PREFIX = "api-budget.";

    private ApiBudgetSettings() {}

    /** The budget of one API: the settings' rate and burst over the defaults; a rate set alone keeps the default burst. */
    static Optional<Limit> limit(ProviderSettings settings, String api, Optional<Limit> defaults) {
        Optional<String> rate = settings.option(PREFIX + api + ".rate");
        Optional<String> burst = settings.option(PREFIX + api + ".burst");
        if (rate.isEmpty() && burst.isEmpty()) {
            return defaults;
        }
        try {
            double r = rate.map(Double::parseDouble)
                    .or(() -> defaults.map(Limit::rate))
                    .orElseThrow(() -> new IllegalStateException(settings.key(PREFIX + api + ".rate")
                            + " is required with " + settings.key(PREFIX + api + ".burst")));
            int b = burst.map(Integer::parseInt)
                    .or(() -> defaults.map(Limit::burst))
                    .orElse(Math.max(1, (int) Math.ceil(r)));
            return Optional.of(new Limit(r, b));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(settings.key(PREFIX + api) + ": " + e.getMessage()
                    + " (rate: calls per second, e.g. 5 or 0.5; burst: a whole number of calls, at least 1)");
        }
    }

    /** Fails start-up naming every budget key that names an API the type has no budget for. */
    static void check(ProviderSettings settings, Set<String> apis) {
        TreeSet<String> unknown = new TreeSet<>();
        for (Map.Entry<String, String> e : settings.under(PREFIX).entrySet()) {
            String[] parts = e.getKey().split("\\.", -1);
            if (parts.length != 2
                    || !apis.contains(parts[0])
                    || !Set.of("rate", "burst").contains(parts[1])) {
                unknown.add(settings.key(PREFIX + e.getKey()));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException(String.join(", ", unknown) + (unknown.size() == 1 ? " is" : " are")
                    + " not a setting of provider type " + settings.type() + " (its API budgets: "
                    + (apis.isEmpty() ? "none" : String.join(", ", new TreeSet<>(apis)))
                    + "; each takes .rate and .burst)");
        }
    }
}
