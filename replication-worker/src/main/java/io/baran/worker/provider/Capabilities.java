package io.baran.worker.provider;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one kind of provider declares for every {@link Capability}. Building it fails when a capability is
 * left undeclared, so adding a capability forces every provider type to say where it stands.
 */
public final class Capabilities {

    private final Map<Capability, Support> declared;

    private Capabilities(Map<Capability, Support> declared) {
        this.declared = Collections.unmodifiableMap(new EnumMap<>(declared));
    }

    public static Builder builder(String type) {
        return new Builder(type);
    }

    public Support of(Capability capability) {
        return declared.get(capability);
    }

    public Map<Capability, Support> all() {
        return declared;
    }

    /**
     * Only the capabilities of the listed groups, the others declared cannot with the reason, e.g. an AWS
     * account Baran may change Route 53 in and nothing else. Fails start-up on a group the type does not have.
     *
     * @param key the configuration key, for messages
     */
    public Capabilities narrowedTo(java.util.Collection<String> groups, String key, String type) {
        for (String group : groups) {
            var known = io.baran.runbook.Capability.byId(group);
            if (known.isEmpty()) {
                throw new IllegalStateException(key + ": \"" + group + "\" is not a capability (use "
                        + String.join(
                                ", ",
                                Arrays.stream(io.baran.runbook.Capability.values())
                                        .map(io.baran.runbook.Capability::id)
                                        .toList())
                        + ")");
            }
            boolean has = declared.entrySet().stream()
                    .anyMatch(e ->
                            e.getKey().group() == known.get() && e.getValue().available());
            if (!has) {
                throw new IllegalStateException(
                        key + " lists " + group + ", which a provider of type " + type + " does not have");
            }
        }
        Map<Capability, Support> narrowed = new EnumMap<>(declared);
        narrowed.replaceAll((c, s) -> groups.contains(c.group().id())
                ? s
                : Support.cannot("not allowed for this provider: " + key + " lists only " + String.join(", ", groups)));
        return new Capabilities(narrowed);
    }

    public static final class Builder {
        private final String type;
        private final Map<Capability, Support> declared = new EnumMap<>(Capability.class);

        private Builder(String type) {
            this.type = type;
        }

        public Builder can(Capability... capabilities) {
            Arrays.stream(capabilities).forEach(c -> declare(c, Support.can()));
            return this;
        }

        public Builder cannot(String reason, Capability... capabilities) {
            Arrays.stream(capabilities).forEach(c -> declare(c, Support.cannot(reason)));
            return this;
        }

        public Builder notYet(String reason, Capability... capabilities) {
            Arrays.stream(capabilities).forEach(c -> declare(c, Support.notYet(reason)));
            return this;
        }

        private void declare(Capability capability, Support support) {
            if (declared.putIfAbsent(capability, support) != null) {
                throw new IllegalStateException("provider type " + type + " declares " + capability + " twice");
            }
        }

        public Capabilities build() {
            List<Capability> missing = Arrays.stream(Capability.values())
                    .filter(c -> !declared.containsKey(c))
                    .toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("provider type " + type + " does not declare " + missing);
            }
            return new Capabilities(declared);
        }
    }
}
