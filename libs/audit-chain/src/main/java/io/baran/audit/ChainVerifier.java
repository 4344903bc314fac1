package io.baran.audit;

/**
 * Checks rows of the audit trail one at a time, in id order, so a trail of any length is verified without holding
 * it in memory. Ids are numbered from 1 without gaps (the trail assigns each the next number while it holds the
 * chain's lock), so a missing id is a removed row, not a rolled-back insert.
 */
public final class ChainVerifier {

    private long rows;
    private ChainRow last;
    private Verification broken;

    /**
     * Checks the next row.
     *
     * @return false once the chain is broken (at this row or before): later rows tell nothing more
     */
    public boolean accept(ChainRow row) {
        if (broken != null) {
            return false;
        }
        long expectedId = last == null ? 1 : last.id() + 1;
        String expectedPrev = last == null ? AuditChain.GENESIS : last.hash();
        if (row.id() != expectedId) {
            broken = Verification.broken(
                    rows,
                    last,
                    row.id(),
                    Verification.GAP,
                    missing(expectedId, row.id())
                            + (last == null
                                    ? " (the trail starts at row " + row.id() + ")"
                                    : " (row " + row.id() + " follows row " + last.id() + ")"));
        } else if (!expectedPrev.equals(row.prevHash())) {
            broken = Verification.broken(
                    rows,
                    last,
                    row.id(),
                    Verification.PREV_HASH_MISMATCH,
                    last == null
                            ? "its prev_hash " + row.prevHash() + " is not the first row's (64 zeros)"
                            : "its prev_hash " + row.prevHash() + " is not the hash of row " + last.id() + " ("
                                    + last.hash() + ")");
        } else if (!AuditChain.hash(row).equals(row.hash())) {
            broken = Verification.broken(
                    rows,
                    last,
                    row.id(),
                    Verification.HASH_MISMATCH,
                    "its content does not match its hash: the row was changed after it was written");
        } else {
            rows++;
            last = row;
            return true;
        }
        return false;
    }

    /** The verdict on the rows accepted so far. */
    public Verification result() {
        return broken != null ? broken : Verification.intact(rows, last);
    }

    /** Checks a whole trail, in id order. */
    public static Verification verify(Iterable<ChainRow> rows) {
        ChainVerifier verifier = new ChainVerifier();
        for (ChainRow row : rows) {
            if (!verifier.accept(row)) {
                break;
            }
        }
        return verifier.result();
    }

    private static String missing(long from, long before) {
        if (before < from) {
            return "row " + before + " comes after row " + (from - 1) + " out of order";
        }
        return before - from == 1
                ? "row " + from + " is missing"
                : "rows " + from + " to " + (before - 1) + " are missing";
    }
}
