package io.baran.detector.config;

import io.baran.egress.EgressPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Every target this detector probes: those of the configuration, fixed for the life of the process, and those
 * added through the REST API, kept in {@link TargetFile} so that they survive a restart. A change is checked,
 * written to the file, and only then applied, so what runs is always what a restart would load.
 */
public final class TargetCatalog {

    private final Map<String, TargetDefinition> configured;
    private final Map<String, TargetDefinition> added = new TreeMap<>();
    private final Map<String, TargetSpec> specs = new TreeMap<>();
    private final TargetFile file;
    private final Consumer<TargetDefinition> start;
    private final Consumer<String> stop;
    private final EgressPolicy egress;
    private final CanaryAllowList canaries;

    /**
     * @throws TargetDefinitions.InvalidConfigException when the file holds targets that do not pass the checks,
     *                                                 or that the configuration defines too
     */
    public TargetCatalog(
            List<TargetDefinition> configured,
            TargetFile file,
            Consumer<TargetDefinition> start,
            Consumer<String> stop) {
        this(configured, file, start, stop, TargetDefinitions.ALWAYS_REFUSED);
    }

    /** @param egress where added targets may point; one in the file that it refuses stops the start */
    public TargetCatalog(
            List<TargetDefinition> configured,
            TargetFile file,
            Consumer<TargetDefinition> start,
            Consumer<String> stop,
            EgressPolicy egress) {
        this(configured, file, start, stop, egress, CanaryAllowList.NONE);
    }

    /**
     * @param egress   where added targets may point; one in the file that it refuses stops the start
     * @param canaries what added canary targets may name; one in the file that names anything else stops the start
     */
    public TargetCatalog(
            List<TargetDefinition> configured,
            TargetFile file,
            Consumer<TargetDefinition> start,
            Consumer<String> stop,
            EgressPolicy egress,
            CanaryAllowList canaries) {
        this.egress = egress;
        this.canaries = canaries;
        this.configured = new LinkedHashMap<>();
        configured.forEach(d -> this.configured.put(d.name(), d));
        this.file = file;
        this.start = start;
        this.stop = stop;
        List<String> problems = new ArrayList<>();
        file.load().forEach((name, spec) -> {
            if (this.configured.containsKey(name)) {
                problems.add(
                        file.path() + ": targets." + name + ": also defined in the configuration; remove one of them");
                return;
            }
            TargetDefinitions.Result result = TargetDefinitions.define(
                    name,
                    spec,
                    TargetDefinition.Origin.API,
                    field -> file.path() + ": targets." + name + "." + field,
                    System::getenv,
                    egress,
                    canaries);
            result.problems().forEach(p -> problems.add(p.field() + ": " + p.message()));
            result.definition().ifPresent(d -> {
                added.put(name, d);
                specs.put(name, spec);
            });
        });
        if (!problems.isEmpty()) {
            throw new TargetDefinitions.InvalidConfigException(problems);
        }
    }

    public synchronized List<TargetDefinition> all() {
        List<TargetDefinition> all = new ArrayList<>(configured.values());
        all.addAll(added.values());
        return all;
    }

    public synchronized Optional<TargetDefinition> get(String name) {
        return Optional.ofNullable(configured.containsKey(name) ? configured.get(name) : added.get(name));
    }

    /**
     * Adds or replaces a run-time target; a replaced target starts over as UNKNOWN.
     *
     * @param mustBeNew refuse when it exists (POST) rather than replace it (PUT)
     * @return true when it was created, false when replaced
     * @throws Invalid  listing every problem with the submitted fields
     * @throws Conflict when the name belongs to a configured target, or exists and {@code mustBeNew}
     */
    public synchronized boolean put(String name, TargetSpec spec, boolean mustBeNew) {
        if (configured.containsKey(name)) {
            throw new Conflict("target " + name + " is defined in the configuration (baran.detector.targets." + name
                    + "); change it there, not through the API");
        }
        if (mustBeNew && added.containsKey(name)) {
            throw new Conflict("target " + name + " exists; PUT /api/targets/" + name + " replaces it");
        }
        TargetDefinitions.Result result = TargetDefinitions.define(
                name, spec, TargetDefinition.Origin.API, TargetCatalog::jsonField, System::getenv, egress, canaries);
        if (result.definition().isEmpty()) {
            throw new Invalid(result.problems());
        }
        Map<String, TargetSpec> next = new TreeMap<>(specs);
        next.put(name, spec);
        file.save(next);
        boolean created = !added.containsKey(name);
        specs.put(name, spec);
        added.put(name, result.definition().get());
        start.accept(result.definition().get());
        return created;
    }

    /**
     * @return false when no such target exists
     * @throws Conflict when it is a configured target
     */
    public synchronized boolean remove(String name) {
        if (configured.containsKey(name)) {
            throw new Conflict("target " + name + " is defined in the configuration (baran.detector.targets." + name
                    + "); remove it there, not through the API");
        }
        if (!added.containsKey(name)) {
            return false;
        }
        Map<String, TargetSpec> next = new TreeMap<>(specs);
        next.remove(name);
        file.save(next);
        specs.remove(name);
        added.remove(name);
        stop.accept(name);
        return true;
    }

    /** {@code failure-threshold} as the JSON body names it: {@code failureThreshold}. */
    static String jsonField(String field) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : field.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** The submitted target does not pass the checks. */
    public static final class Invalid extends RuntimeException {
        private final transient List<TargetDefinitions.Problem> problems;

        public Invalid(List<TargetDefinitions.Problem> problems) {
            super(problems.size() + " problem(s) with the target");
            this.problems = List.copyOf(problems);
        }

        public List<TargetDefinitions.Problem> problems() {
            return problems;
        }
    }

    /** The change clashes with what exists. */
    public static final class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message);
        }
    }
}
