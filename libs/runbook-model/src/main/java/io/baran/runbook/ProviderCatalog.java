package io.baran.runbook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The providers runbooks may name, as configured where the actions run ({@code baran.providers."<name>".type}),
 * with what each can do. The orchestrator and {@code baran lint} get the list from configuration; with no
 * list ({@link #UNCHECKED}) provider names are not checked at all.
 */
public final class ProviderCatalog {

    /** Provider names are not checked: nothing is known about the providers. */
    public static final ProviderCatalog UNCHECKED = new ProviderCatalog(List.of(), false);

    private static final Pattern KEY = Pattern.compile("baran\\.providers\\.(\"([^\"]+)\"|([^.\"]+))\\.([a-z-]+)");

    /** A configured provider. */
    public record Provider(String name, String type, Set<Capability> capabilities) {
        public Provider {
            capabilities =
                    capabilities.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
        }

        public boolean can(Capability capability) {
            return capabilities.contains(capability);
        }
    }

    private final Map<String, Provider> providers = new TreeMap<>();
    private final boolean checked;

    private ProviderCatalog(Collection<Provider> providers, boolean checked) {
        providers.forEach(p -> this.providers.put(p.name(), p));
        this.checked = checked;
    }

    /** A checked catalogue: a provider not in {@code providers} is unknown. */
    public static ProviderCatalog of(Collection<Provider> providers) {
        return new ProviderCatalog(providers, true);
    }

    /**
     * A provider of a known type, with the type's capabilities or, when {@code capabilities} is given, only
     * those (each must be one the type has).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Provider provider(String name, String type, Optional<List<String>> capabilities) {
        ProviderTypes.Type known = ProviderTypes.find(type)
                .orElseThrow(() -> new IllegalArgumentException(
                        "provider \"" + name + "\" has type \"" + type + "\", which is not one of "
                                + String.join(
                                        ", ",
                                        ProviderTypes.all().stream()
                                                .map(ProviderTypes.Type::name)
                                                .toList())));
        if (capabilities.isEmpty()) {
            return new Provider(name, type, known.capabilities());
        }
        Set<Capability> narrowed = EnumSet.noneOf(Capability.class);
        for (String id : capabilities.get()) {
            Capability c = Capability.byId(id.trim())
                    .orElseThrow(() -> new IllegalArgumentException(
                            "provider \"" + name + "\" lists capability \"" + id.trim() + "\", which is not one of "
                                    + String.join(
                                            ", ",
                                            java.util.Arrays.stream(Capability.values())
                                                    .map(Capability::id)
                                                    .toList())));
            if (!known.capabilities().contains(c)) {
                throw new IllegalArgumentException("provider \"" + name + "\" lists capability " + c + ", which type "
                        + type + " does not have (it has "
                        + String.join(
                                ", ",
                                known.capabilities().stream()
                                        .map(Capability::id)
                                        .toList()) + ")");
            }
            narrowed.add(c);
        }
        return new Provider(name, type, narrowed);
    }

    /**
     * Reads {@code baran.providers."<name>".type} and {@code .capabilities} (comma-separated) from properties
     * as the services' {@code application.properties} spell them; other keys ({@code region},
     * {@code endpoint}, ...) are the worker's and are ignored.
     */
    public static ProviderCatalog fromProperties(Properties properties) {
        Map<String, String> types = new TreeMap<>();
        Map<String, String> capabilities = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            Matcher m = KEY.matcher(key.trim());
            if (!m.matches()) {
                continue;
            }
            String name = m.group(2) != null ? m.group(2) : m.group(3);
            switch (m.group(4)) {
                case "type" -> types.put(name, properties.getProperty(key).trim());
                case "capabilities" -> capabilities.put(name, properties.getProperty(key));
                default -> {
                    // the worker's settings
                }
            }
        }
        List<Provider> out = new ArrayList<>();
        for (String name : capabilities.keySet()) {
            if (!types.containsKey(name)) {
                throw new IllegalArgumentException("provider \"" + name + "\" has capabilities but no type");
            }
        }
        types.forEach((name, type) -> out.add(provider(
                name, type, Optional.ofNullable(capabilities.get(name)).map(list -> List.of(list.split(","))))));
        return of(out);
    }

    public boolean checked() {
        return checked;
    }

    public Optional<Provider> find(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    public Collection<Provider> all() {
        return Collections.unmodifiableCollection(providers.values());
    }

    /** Names of the providers that have the capability, sorted. */
    public List<String> namesWith(Capability capability) {
        return providers.values().stream()
                .filter(p -> p.can(capability))
                .map(Provider::name)
                .toList();
    }
}
