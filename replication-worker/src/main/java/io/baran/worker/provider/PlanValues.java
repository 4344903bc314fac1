package io.baran.worker.provider;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads values back from a plan's observed and desired maps. A plan crosses the workflow history as
 * JSON, so numbers come back as Integer or Long and lists as any List; a malformed value means the plan
 * was not made by this version of the action, and is refused (InvalidInput) naming the part.
 */
public final class PlanValues {

    private final Map<String, Object> map;
    private final String where;

    /** @param where names the map in errors, e.g. {@code plan of step promote-db: observed} */
    public PlanValues(Map<String, Object> map, String where) {
        this.map = map == null ? Map.of() : map;
        this.where = where;
    }

    public long number(String key) {
        if (map.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw malformed(key);
    }

    public boolean bool(String key) {
        if (map.get(key) instanceof Boolean b) {
            return b;
        }
        throw malformed(key);
    }

    public String string(String key) {
        if (map.get(key) instanceof String s) {
            return s;
        }
        throw malformed(key);
    }

    /** A number that may be absent (null). */
    public Long optionalNumber(String key) {
        Object value = map.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw malformed(key);
    }

    /** A string that may be absent (null). */
    public String optionalString(String key) {
        Object value = map.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw malformed(key);
    }

    /** A list of maps, each read with its own {@link PlanValues}. */
    @SuppressWarnings("unchecked")
    public List<PlanValues> maps(String key) {
        if (map.get(key) instanceof Collection<?> list && list.stream().allMatch(v -> v instanceof Map)) {
            int[] i = {0};
            return list.stream()
                    .map(v -> new PlanValues((Map<String, Object>) v, where + "." + key + "[" + i[0]++ + "]"))
                    .toList();
        }
        throw malformed(key);
    }

    private RuntimeException malformed(String key) {
        return Failures.of(
                FailureTypes.INVALID_INPUT,
                where + "." + key + " is missing or malformed (" + map.get(key)
                        + "); the plan was not made by this version of the action");
    }
}
