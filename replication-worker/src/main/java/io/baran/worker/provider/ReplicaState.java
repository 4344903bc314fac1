package io.baran.worker.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A replica and the primary it replicates from, as a provider sees them: what a
 * {@code database.promote-replica} plan records as observed, so its undo knows what it may put back.
 *
 * @param replica       where the replica is: {@code host:port}, or the provider's instance identifier
 * @param primary       where its primary is, or null when the provider does not say
 * @param fenceSetting  the primary's own setting that fencing replaces (PostgreSQL: the value of
 *                      {@code default_transaction_read_only} in {@code postgresql.auto.conf}), or null when unset
 */
public record ReplicaState(
        Role role, String replica, String primary, PrimaryWrites primaryWrites, String fenceSetting) {

    public enum Role {
        REPLICA,
        PRIMARY
    }

    /** Whether the primary takes writes; UNKNOWN when the provider cannot tell (e.g. RDS). */
    public enum PrimaryWrites {
        ACCEPTS,
        REFUSES,
        UNREACHABLE,
        UNKNOWN
    }

    public String describe() {
        String primaryPart = primary == null
                ? ""
                : (role == Role.REPLICA ? " replicating from " : ", old primary ")
                        + primary
                        + switch (primaryWrites) {
                            case ACCEPTS -> " (takes writes)";
                            case REFUSES -> " (refuses writes)";
                            case UNREACHABLE -> " (unreachable)";
                            case UNKNOWN -> "";
                        };
        return replica + " " + role.name().toLowerCase(java.util.Locale.ROOT) + primaryPart;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", role.name());
        map.put("replica", replica);
        if (primary != null) {
            map.put("primary", primary);
        }
        map.put("primaryWrites", primaryWrites.name());
        // A plan's maps hold no nulls: an unset setting is an absent key.
        if (fenceSetting != null) {
            map.put("fenceSetting", fenceSetting);
        }
        return map;
    }

    public static ReplicaState fromPlan(Map<String, Object> map, String where) {
        PlanValues v = new PlanValues(map, where);
        try {
            return new ReplicaState(
                    Role.valueOf(v.string("role")),
                    v.string("replica"),
                    v.optionalString("primary"),
                    PrimaryWrites.valueOf(v.string("primaryWrites")),
                    v.optionalString("fenceSetting"));
        } catch (IllegalArgumentException e) {
            throw io.baran.worker.Failures.of(
                    io.baran.workflow.FailureTypes.INVALID_INPUT,
                    where
                            + " holds an unknown role or write state; the plan was not made by this version of the action");
        }
    }
}
