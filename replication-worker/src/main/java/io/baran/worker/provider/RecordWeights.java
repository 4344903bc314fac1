package io.baran.worker.provider;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The weights of record sets of one weighted set (a name and a type), by set identifier: what a
 * {@code dns.set-weights} plan records as observed and desired, so undo can put them back exactly.
 */
public record RecordWeights(Map<String, Long> weights) implements PlanState<RecordWeights> {

    public RecordWeights {
        weights = java.util.Collections.unmodifiableMap(new TreeMap<>(weights));
    }

    /** The weights of the named sets only; names this set lacks are left out. */
    public RecordWeights only(Collection<String> setIds) {
        Map<String, Long> kept = new TreeMap<>(weights);
        kept.keySet().retainAll(setIds);
        return new RecordWeights(kept);
    }

    @Override
    public boolean sameAs(RecordWeights other) {
        return weights.equals(other.weights);
    }

    /** e.g. {@code primary 100, standby 0}. */
    public String describe() {
        return weights.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** The sets whose weight differs, e.g. {@code primary 100 -> 0, standby 0 -> 100}. */
    public String diff(RecordWeights then) {
        return weights.entrySet().stream()
                .filter(e -> !e.getValue().equals(then.weights.get(e.getKey())))
                .map(e -> e.getKey() + " " + e.getValue() + " -> " + then.weights.get(e.getKey()))
                .collect(Collectors.joining(", "));
    }

    /** The plan's map: {@code {weights: {primary: 100, standby: 0}}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("weights", new LinkedHashMap<>(weights));
        return map;
    }

    /** Reads a plan's map back; numbers may come back from JSON as Integer or Long. */
    public static RecordWeights fromPlan(Map<String, Object> map, String where) {
        if (map != null
                && map.get("weights") instanceof Map<?, ?> read
                && !read.isEmpty()
                && read.values().stream().allMatch(v -> v instanceof Number)) {
            Map<String, Long> weights = new TreeMap<>();
            read.forEach((k, v) -> weights.put(String.valueOf(k), ((Number) v).longValue()));
            return new RecordWeights(weights);
        }
        throw io.baran.worker.Failures.of(
                io.baran.workflow.FailureTypes.INVALID_INPUT,
                where + ".weights is missing or malformed (" + (map == null ? null : map.get("weights"))
                        + "); the plan was not made by this version of the action");
    }
}
