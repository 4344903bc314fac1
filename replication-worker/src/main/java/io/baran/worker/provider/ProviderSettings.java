package io.baran.worker.provider;

import io.baran.runbook.Durations;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One provider as the worker's configuration names it. Never holds a secret: a secret is named by the
 * environment variable that holds it ({@code tsig-secret-env}, {@code password-env}), or comes from the
 * SDK's default chain.
 *
 * @param name     the name runbooks use, e.g. {@code aws-main}
 * @param type     what kind of provider it is: aws, rfc2136, postgresql, filesystem
 * @param region   the provider's region (cloud providers)
 * @param endpoint an endpoint override (an emulator such as moto), or empty for the provider's own
 * @param options  the type's own settings by their configuration key, e.g. {@code server},
 *                 {@code tsig-key-name}, {@code instances.orders.standby}
 */
public record ProviderSettings(
        String name, String type, String region, Optional<URI> endpoint, Map<String, String> options) {

    public ProviderSettings {
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public ProviderSettings(String name, String type, String region, Optional<URI> endpoint) {
        this(name, type, region, endpoint, Map.of());
    }

    /** The full configuration key of one option, for messages: {@code baran.providers."onprem-dns".server}. */
    public String key(String option) {
        return "baran.providers.\"" + name + "\"." + option;
    }

    public Optional<String> option(String option) {
        return Optional.ofNullable(options.get(option)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** Fails start-up naming the key when the option is missing. */
    public String required(String option) {
        return option(option)
                .orElseThrow(
                        () -> new IllegalStateException(key(option) + " is required for a provider of type " + type));
    }

    /** A duration written as runbooks write them ({@code 5s}, {@code 1m}) or in ISO-8601 ({@code PT5S}). */
    public Duration duration(String option, Duration fallback) {
        Optional<String> text = option(option);
        if (text.isEmpty()) {
            return fallback;
        }
        Optional<Duration> parsed = Durations.tryParse(text.get());
        if (parsed.isEmpty()) {
            try {
                parsed = Optional.of(Duration.parse(text.get()));
            } catch (DateTimeParseException e) {
                throw new IllegalStateException(
                        key(option) + ": \"" + text.get() + "\" is not a duration (use e.g. 5s, 1m)");
            }
        }
        return parsed.get();
    }

    /** The options under a prefix, keyed by the rest of their key: {@code instances.} gives {@code orders.standby}. */
    public Map<String, String> under(String prefix) {
        Map<String, String> found = new TreeMap<>();
        options.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                found.put(k.substring(prefix.length()), v);
            }
        });
        return found;
    }

    /** The same settings without one option, e.g. one the registry reads itself. */
    public ProviderSettings without(String option) {
        Map<String, String> rest = new TreeMap<>(options);
        rest.remove(option);
        return new ProviderSettings(name, type, region, endpoint, rest);
    }

    /** Fails start-up when an option is set that the type does not read: a typo must not pass silently. */
    public void onlyKnown(java.util.Set<String> known, java.util.Set<String> knownPrefixes) {
        TreeSet<String> unknown = new TreeSet<>();
        for (String k : options.keySet()) {
            // read by every type through ProviderContext.calls, checked by ApiBudgetSettings.check
            if (k.equals(ApiBudgetSettings.ACCOUNT) || k.startsWith(ApiBudgetSettings.PREFIX)) {
                continue;
            }
            if (!known.contains(k) && knownPrefixes.stream().noneMatch(k::startsWith)) {
                unknown.add(key(k));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException(String.join(", ", unknown) + (unknown.size() == 1 ? " is" : " are")
                    + " not a setting of provider type " + type);
        }
    }
}
