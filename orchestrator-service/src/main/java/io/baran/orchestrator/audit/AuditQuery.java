package io.baran.orchestrator.audit;

import java.time.Instant;

/**
 * Which rows of the audit trail to read: every filter is optional; rows come oldest first (by id), at most
 * {@code limit} of them, after the row {@code after} (to read page by page: pass the last id read).
 *
 * @param since rows written at or after this time
 * @param until rows written before this time
 * @param limit 1 to {@link #MAX_LIMIT}; null for {@link #DEFAULT_LIMIT}
 * @param after only rows with a greater id; null for the first page
 */
public record AuditQuery(
        String actor, String action, String target, Instant since, Instant until, Integer limit, Long after) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        actor = blankToNull(actor);
        action = blankToNull(action);
        target = blankToNull(target);
        if (limit == null) {
            limit = DEFAULT_LIMIT;
        } else if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
        if (after != null && after < 0) {
            throw new IllegalArgumentException("after must be a row id (0 or more), not " + after);
        }
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("since (" + since + ") must be before until (" + until + ")");
        }
    }

    /** The first page of everything. */
    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null, null, null);
    }

    /** The next page of this query, after the row with this id. */
    public AuditQuery after(long id) {
        return new AuditQuery(actor, action, target, since, until, limit, id);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
