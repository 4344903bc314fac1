package io.baran.worker.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A replicated database as a provider sees it: which member is primary, and which members can take the
 * primary role by a switchover. What a {@code database.switchover} plan records as observed (and, with the
 * roles swapped, as desired), so its undo knows which member to switch back to and can tell when someone
 * else switched since.
 *
 * @param group       the global database the members belong to (Aurora), or null where the provider has no such name
 * @param primary     the member that takes writes
 * @param secondaries the members a switchover can make primary, sorted
 * @param underway    a switchover or failover the provider reports in progress, e.g. {@code switching-over to b},
 *                    or null; not compared, so a change under way is still the topology it started from
 */
public record Topology(String group, String primary, List<String> secondaries, String underway)
        implements PlanState<Topology> {

    public Topology {
        Objects.requireNonNull(primary, "primary");
        secondaries = secondaries.stream().sorted().toList();
    }

    public boolean isMember(String instance) {
        return primary.equals(instance) || secondaries.contains(instance);
    }

    /** The same members with {@code target} as primary and the current primary among the secondaries. */
    public Topology switchedTo(String target) {
        if (primary.equals(target)) {
            return this;
        }
        List<String> rest = new ArrayList<>(secondaries);
        rest.remove(target);
        rest.add(primary);
        return new Topology(group, target, rest, null);
    }

    @Override
    public boolean sameAs(Topology other) {
        return Objects.equals(group, other.group)
                && primary.equals(other.primary)
                && secondaries.equals(other.secondaries);
    }

    /** e.g. {@code primary orders-us, secondaries orders-eu (global database orders-global)}. */
    @Override
    public String describe() {
        return "primary " + primary + ", "
                + (secondaries.isEmpty()
                        ? "no secondaries"
                        : (secondaries.size() == 1 ? "secondary " : "secondaries ") + String.join(", ", secondaries))
                + (group == null ? "" : " (global database " + group + ")")
                + (underway == null ? "" : "; " + underway);
    }

    /** e.g. {@code primary orders-us -> orders-eu}. */
    @Override
    public String diff(Topology then) {
        return "primary " + primary + " -> " + then.primary;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        // A plan's maps hold no nulls: an absent group or change under way is an absent key.
        if (group != null) {
            map.put("group", group);
        }
        map.put("primary", primary);
        map.put("secondaries", new ArrayList<>(secondaries));
        if (underway != null) {
            map.put("underway", underway);
        }
        return map;
    }

    public static Topology fromPlan(Map<String, Object> map, String where) {
        PlanValues v = new PlanValues(map, where);
        if (!(map != null
                && map.get("secondaries") instanceof List<?> list
                && list.stream().allMatch(s -> s instanceof String))) {
            throw io.baran.worker.Failures.of(
                    io.baran.workflow.FailureTypes.INVALID_INPUT,
                    where + ".secondaries is missing or malformed (" + (map == null ? null : map.get("secondaries"))
                            + "); the plan was not made by this version of the action");
        }
        return new Topology(
                v.optionalString("group"),
                v.string("primary"),
                list.stream().map(String.class::cast).toList(),
                v.optionalString("underway"));
    }
}
