package io.baran.worker.provider;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One record set (a name and a type) as it stands at a provider: absent, or its values and TTL. This is
 * what a {@code dns.switch} plan records as observed and desired, so undo can put it back exactly.
 *
 * @param values as the provider stores them (CNAME with its trailing dot, TXT quoted)
 */
public record RecordState(boolean exists, List<String> values, long ttl) {

    public RecordState {
        values = values == null ? List.of() : List.copyOf(values);
    }

    public static RecordState absent() {
        return new RecordState(false, List.of(), 0);
    }

    public static RecordState present(List<String> values, long ttl) {
        return new RecordState(true, values, ttl);
    }

    /** Same values (in any order, compared as the type compares them) and same TTL; or both absent. */
    public boolean sameAs(RecordState other, RecordType type) {
        if (exists != other.exists) {
            return false;
        }
        return !exists || (ttl == other.ttl && canonical(values, type).equals(canonical(other.values, type)));
    }

    private static TreeSet<String> canonical(List<String> values, RecordType type) {
        TreeSet<String> set = new TreeSet<>();
        values.forEach(v -> set.add(type.canonical(v)));
        return set;
    }

    /** e.g. {@code primary.example.net. (ttl 300)} or {@code (absent)}. */
    public String describe() {
        return exists ? String.join(", ", values) + " (ttl " + ttl + ")" : "(absent)";
    }

    /** The plan's {@code observed}: {exists, values, ttl}. */
    public Map<String, Object> toObserved() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("exists", exists);
        map.put("values", values);
        map.put("ttl", ttl);
        return map;
    }

    /** The plan's {@code desired}: {values, ttl}; desired state always exists. */
    public Map<String, Object> toDesired() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("values", values);
        map.put("ttl", ttl);
        return map;
    }

    /**
     * Reads a plan's {@code observed} or {@code desired} back. The plan went through JSON in the workflow
     * history, so numbers may come back as Integer or Long and lists as any List.
     *
     * @param where names the plan part in errors, e.g. {@code plan of step move-traffic: observed}
     */
    public static RecordState fromPlan(Map<String, Object> map, boolean desired, String where) {
        Object exists = desired ? Boolean.TRUE : map.get("exists");
        Object values = map.get("values");
        Object ttl = map.get("ttl");
        if (!(exists instanceof Boolean e)) {
            throw malformed(where, "exists", exists);
        }
        if (!e) {
            return absent();
        }
        if (!(values instanceof Collection<?> list) || list.isEmpty()) {
            throw malformed(where, "values", values);
        }
        if (!(ttl instanceof Number n)) {
            throw malformed(where, "ttl", ttl);
        }
        return present(list.stream().map(String::valueOf).toList(), n.longValue());
    }

    private static RuntimeException malformed(String where, String field, Object value) {
        return Failures.of(
                FailureTypes.INVALID_INPUT,
                where + "." + field + " is missing or malformed (" + value
                        + "); the plan was not made by this version of dns.switch");
    }
}
