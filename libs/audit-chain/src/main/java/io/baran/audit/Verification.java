package io.baran.audit;

/**
 * What verifying the audit chain found.
 *
 * @param intact   every row matches its hash and links to the one before, with no row missing
 * @param rows     the rows found intact: all of them, or those before the first broken one
 * @param brokenAt the id of the first row that does not hold, or null
 * @param problem  why it does not hold: {@code gap} (rows before it are missing), {@code prev-hash-mismatch} (it does
 *                 not link to the row before it) or {@code hash-mismatch} (its content was changed); null when intact
 * @param reason   the same, for a person, or null
 * @param headId   the last intact row's id (null for an empty trail): with {@code head}, a value worth keeping
 *                 elsewhere, since the chain alone cannot show that rows were removed from its end
 * @param head     the last intact row's hash, or null
 */
public record Verification(
        boolean intact, long rows, Long brokenAt, String problem, String reason, Long headId, String head) {

    public static final String GAP = "gap";
    public static final String PREV_HASH_MISMATCH = "prev-hash-mismatch";
    public static final String HASH_MISMATCH = "hash-mismatch";

    static Verification intact(long rows, ChainRow last) {
        return new Verification(
                true, rows, null, null, null, last == null ? null : last.id(), last == null ? null : last.hash());
    }

    static Verification broken(long rows, ChainRow last, long brokenAt, String problem, String reason) {
        return new Verification(
                false,
                rows,
                brokenAt,
                problem,
                reason,
                last == null ? null : last.id(),
                last == null ? null : last.hash());
    }

    /** One line for a person: {@code audit chain intact: 12 rows} or {@code audit chain broken at row 5: ...}. */
    public String summary() {
        return intact
                ? "audit chain intact: " + rows + (rows == 1 ? " row" : " rows")
                : "audit chain broken at row " + brokenAt + ": " + reason;
    }
}
